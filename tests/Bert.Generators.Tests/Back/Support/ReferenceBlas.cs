namespace Bert.Generators.Tests.Back.Support;

/// <summary>
/// TEST-ONLY naive row-major GEMM with Bert.Runtime.Cpu.Blas's signatures, until the CPU runtime is merged
/// (then delete this file and point <see cref="TestRuntime.Targets"/> at the real one).
/// </summary>
public static unsafe class ReferenceBlas
{
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc)
    {
        for (int row = 0; row < m; row++)
        {
            for (int col = 0; col < n; col++)
            {
                float sum = 0f;
                for (int p = 0; p < k; p++)
                    sum += (transA ? a[p * lda + row] : a[row * lda + p]) * (transB ? b[col * ldb + p] : b[p * ldb + col]);
                c[row * ldc + col] = alpha * sum + (beta == 0f ? 0f : beta * c[row * ldc + col]);
            }
        }
    }

    public static void SgemmStridedBatched(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, long strideA, float* b, int ldb, long strideB, float beta, float* c, int ldc, long strideC,
        int batchCount)
    {
        for (int i = 0; i < batchCount; i++)
            Sgemm(transA, transB, m, n, k, alpha, a + i * strideA, lda, b + i * strideB, ldb, beta, c + i * strideC, ldc);
    }
}
