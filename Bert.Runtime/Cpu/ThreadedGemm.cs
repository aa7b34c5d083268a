namespace Bert.Runtime.Cpu;

/// <summary>
/// Spreads one GEMM over <see cref="ParallelRows"/>: C is cut into row bands (or column bands when it is wider
/// than tall) and each band is an independent single-threaded GEMM on the chosen backend. One parallel region per
/// product, no synchronisation inside it; each band packs its own copy of the shared operand, which costs
/// 1/(band size) of the band's arithmetic.
/// </summary>
internal static unsafe class ThreadedGemm
{
    /// <summary>Below this many multiply-adds per thread a split costs more than it saves.</summary>
    const long MinWorkPerThread = 1L << 20;
    /// <summary>Bands are multiples of this many rows or columns (whole register tiles of both backends and both managed widths).</summary>
    const int BandQuantum = 32;

    public static void Run(GemmFunction gemm, bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc)
    {
        long work = (long)m * n * Math.Max(k, 1);
        if (ParallelRows.ThreadCount == 1 || ParallelRows.IsInsideLoop || work < 2 * MinWorkPerThread)
        {
            gemm.Invoke(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        var call = new Call(gemm, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        int bands = (int)Math.Min(ParallelRows.ThreadCount, work / MinWorkPerThread);
        if (m >= n) ParallelRows.For(Quanta(m), Math.Max(1, Quanta(m) / bands), call.RunRowBands);
        else ParallelRows.For(Quanta(n), Math.Max(1, Quanta(n) / bands), call.RunColumnBands);
    }

    static int Quanta(int size) => (size + BandQuantum - 1) / BandQuantum;

    sealed class Call(GemmFunction gemm, bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc)
    {
        public void RunRowBands(int start, int end)
        {
            int i0 = start * BandQuantum, i1 = Math.Min(m, end * BandQuantum);
            float* aBand = transA ? a + i0 : a + (long)i0 * lda;
            gemm.Invoke(transA, transB, i1 - i0, n, k, alpha, aBand, lda, b, ldb, beta, c + (long)i0 * ldc, ldc);
        }

        public void RunColumnBands(int start, int end)
        {
            int j0 = start * BandQuantum, j1 = Math.Min(n, end * BandQuantum);
            float* bBand = transB ? b + (long)j0 * ldb : b + j0;
            gemm.Invoke(transA, transB, m, j1 - j0, k, alpha, a, lda, bBand, ldb, beta, c + j0, ldc);
        }
    }
}

/// <summary>A single-threaded GEMM entry point of one backend (a static function pointer: no allocation, no virtual call).</summary>
internal readonly unsafe struct GemmFunction(delegate*<bool, bool, int, int, int, float, float*, int, float*, int, float, float*, int, void> function)
{
    public static GemmFunction OpenBlas => new(&Cpu.OpenBlas.Sgemm);
    public static GemmFunction Managed => new(&ManagedGemm.Sgemm);

    public void Invoke(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb,
        float beta, float* c, int ldc) =>
        function(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
