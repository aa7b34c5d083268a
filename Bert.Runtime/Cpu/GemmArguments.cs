namespace Bert.Runtime.Cpu;

/// <summary>Checks GEMM sizes and leading dimensions up front, so a bad call fails with a message instead of corrupting memory.</summary>
internal static class GemmArguments
{
    public static void Check(bool transA, bool transB, int m, int n, int k, int lda, int ldb, int ldc)
    {
        if (m < 0 || n < 0 || k < 0)
            throw new ArgumentOutOfRangeException(nameof(m), $"GEMM sizes must be non-negative, got m={m}, n={n}, k={k}.");
        // Row-major: the leading dimension is the stored row length.
        int aRow = transA ? m : k, bRow = transB ? k : n;
        if (lda < Math.Max(1, aRow))
            throw new ArgumentOutOfRangeException(nameof(lda), $"lda={lda} is less than the {(transA ? "m" : "k")}={aRow} columns of A as stored (transA={transA}).");
        if (ldb < Math.Max(1, bRow))
            throw new ArgumentOutOfRangeException(nameof(ldb), $"ldb={ldb} is less than the {(transB ? "k" : "n")}={bRow} columns of B as stored (transB={transB}).");
        if (ldc < Math.Max(1, n))
            throw new ArgumentOutOfRangeException(nameof(ldc), $"ldc={ldc} is less than the n={n} columns of C.");
    }
}
