namespace Bert.Runtime.Cpu;

/// <summary>
/// Strided batched GEMM on either backend. With at least as many matrices as threads (attention's
/// batch·heads products) each thread runs whole single-threaded GEMMs; with fewer, the GEMMs run one
/// after another and each is split over the threads by <see cref="ThreadedGemm"/>.
/// </summary>
internal static unsafe class BatchedGemm
{
    public static void Run(GemmFunction gemm, bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, long strideA, float* b, int ldb, long strideB, float beta, float* c, int ldc, long strideC, int batchCount)
    {
        if (batchCount == 0 || m == 0 || n == 0) return;
        if (batchCount < ParallelRows.ThreadCount || ParallelRows.IsInsideLoop)
        {
            for (int i = 0; i < batchCount; i++)
                ThreadedGemm.Run(gemm, transA, transB, m, n, k, alpha, a + i * strideA, lda, b + i * strideB, ldb, beta, c + i * strideC, ldc);
            return;
        }
        var batch = new Batch(gemm, transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC);
        ParallelRows.For(batchCount, 1, batch.Run);
    }

    sealed class Batch(GemmFunction gemm, bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, long strideA, float* b, int ldb, long strideB, float beta, float* c, int ldc, long strideC)
    {
        public void Run(int start, int end)
        {
            for (int i = start; i < end; i++)
                gemm.Invoke(transA, transB, m, n, k, alpha, a + i * strideA, lda, b + i * strideB, ldb, beta, c + i * strideC, ldc);
        }
    }
}
