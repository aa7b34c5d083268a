namespace Bert.Runtime.Gpu.Gemm;

/// <summary>
/// How many elements a row-major GEMM operand spans in memory, from its first element to its last: the range a
/// GEMM reads or writes, used to check operands against the session's buffers and to size bf16 copies.
/// </summary>
public static class GemmExtent
{
    /// <summary>
    /// A matrix of <paramref name="rows"/> × <paramref name="cols"/> stored row-major with row stride
    /// <paramref name="leadingDimension"/>, repeated <paramref name="batchCount"/> times <paramref name="batchStride"/>
    /// elements apart (a stride of 0 reuses one matrix for the whole batch).
    /// </summary>
    public static long Elements(int rows, int cols, int leadingDimension, long batchStride = 0, int batchCount = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchCount);
        ArgumentOutOfRangeException.ThrowIfNegative(batchStride);
        if (leadingDimension < cols)
            throw new ArgumentOutOfRangeException(nameof(leadingDimension), leadingDimension, $"a row-major matrix of {cols} columns needs a leading dimension of at least {cols}");
        return (rows - 1L) * leadingDimension + cols + (batchCount - 1L) * batchStride;
    }

    /// <summary>op(A) is m × k: A is stored k × m when transposed.</summary>
    public static long OperandA(bool transA, int m, int k, int lda, long strideA = 0, int batchCount = 1) =>
        transA ? Elements(k, m, lda, strideA, batchCount) : Elements(m, k, lda, strideA, batchCount);

    /// <summary>op(B) is k × n: B is stored n × k when transposed.</summary>
    public static long OperandB(bool transB, int k, int n, int ldb, long strideB = 0, int batchCount = 1) =>
        transB ? Elements(n, k, ldb, strideB, batchCount) : Elements(k, n, ldb, strideB, batchCount);

    /// <summary>C is m × n.</summary>
    public static long OperandC(int m, int n, int ldc, long strideC = 0, int batchCount = 1) => Elements(m, n, ldc, strideC, batchCount);
}
