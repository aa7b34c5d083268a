namespace Bert.Runtime.Cpu;

/// <summary>
/// Spreads one OpenBLAS GEMM over <see cref="ParallelRows"/>: C is cut into row bands (or column bands when
/// it is wider than tall) and each band is an independent single-threaded cblas_sgemm.
/// </summary>
internal static unsafe class OpenBlasGemm
{
    /// <summary>Below this many multiply-adds per thread a split costs more than it saves.</summary>
    const long MinWorkPerThread = 1L << 20;
    /// <summary>Bands are multiples of this many rows or columns (OpenBLAS's register tiles stay whole).</summary>
    const int BandQuantum = 16;

    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc)
    {
        long work = (long)m * n * Math.Max(k, 1);
        if (ParallelRows.ThreadCount == 1 || ParallelRows.IsInsideLoop || work < 2 * MinWorkPerThread)
        {
            OpenBlas.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        var call = new Call(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        int bands = (int)Math.Min(ParallelRows.ThreadCount, work / MinWorkPerThread);
        if (m >= n) ParallelRows.For(Quanta(m), Math.Max(1, Quanta(m) / bands), call.RunRowBands);
        else ParallelRows.For(Quanta(n), Math.Max(1, Quanta(n) / bands), call.RunColumnBands);
    }

    static int Quanta(int size) => (size + BandQuantum - 1) / BandQuantum;

    sealed class Call(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc)
    {
        public void RunRowBands(int start, int end)
        {
            int i0 = start * BandQuantum, i1 = Math.Min(m, end * BandQuantum);
            float* aBand = transA ? a + i0 : a + (long)i0 * lda;
            OpenBlas.Sgemm(transA, transB, i1 - i0, n, k, alpha, aBand, lda, b, ldb, beta, c + (long)i0 * ldc, ldc);
        }

        public void RunColumnBands(int start, int end)
        {
            int j0 = start * BandQuantum, j1 = Math.Min(n, end * BandQuantum);
            float* bBand = transB ? b + (long)j0 * ldb : b + j0;
            OpenBlas.Sgemm(transA, transB, m, j1 - j0, k, alpha, a, lda, bBand, ldb, beta, c + j0, ldc);
        }
    }
}
