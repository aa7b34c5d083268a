namespace Bert.Runtime.Cuda.Blas;

/// <summary>
/// Maps a row-major GEMM (the CPU <c>Blas.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)</c>
/// convention: C[m×n] = alpha·op(A)·op(B) + beta·C) onto column-major cuBLAS. A row-major matrix is the
/// column-major view of its transpose, so Cᵀ = op(B)ᵀ·op(A)ᵀ: swap the operands and m with n; the
/// transposition flags and leading dimensions carry over unchanged.
/// </summary>
public static class RowMajorGemm
{
    /// <summary>Column-major arguments (first operand, second operand, sizes) for cuBLAS.</summary>
    public readonly record struct ColumnMajor<T>(bool TransFirst, bool TransSecond, int M, int N, int K, T First, T Second);

    public static ColumnMajor<T> ToColumnMajor<T>(bool transA, bool transB, int m, int n, int k, T a, T b) =>
        new(TransFirst: transB, TransSecond: transA, M: n, N: m, K: k, First: b, Second: a);
}
