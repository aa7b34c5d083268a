namespace Bert.Runtime.Cpu;

/// <summary>
/// Spreads one GEMM over <see cref="ParallelRows"/>: C is cut into row bands (or column bands when it is wider
/// than tall) and each band is an independent single-threaded GEMM on the chosen backend. One parallel region per
/// product, no synchronisation inside it; each band packs its own copy of the shared operand, which costs
/// 1/(band size) of the band's arithmetic. A product with a small C and a long inner dimension (a weight gradient,
/// dYᵀ·X over every token of the batch) is cut along k instead (see <see cref="SplitsInner"/>).
/// </summary>
internal static unsafe class ThreadedGemm
{
    /// <summary>Below this many multiply-adds per thread a split costs more than it saves.</summary>
    const long MinWorkPerThread = 1L << 20;
    /// <summary>Bands are multiples of this many rows or columns (whole register tiles of both backends and both managed widths).</summary>
    const int BandQuantum = 32;
    /// <summary>Outputs up to this many elements (1 MiB) are small enough to keep one partial copy per k slice.</summary>
    const long SmallOutput = 1L << 18;
    /// <summary>The inner dimension is cut into slices of this length, fixed so that the sums do not depend on the thread count.</summary>
    const int InnerSlice = 2048;

    [ThreadStatic] static float[]? partials;

    public static void Run(GemmFunction gemm, bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc)
    {
        if (SplitsInner(m, n, k))
        {
            RunInnerSlices(gemm, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
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

    /// <summary>
    /// Whether C is small and k long enough for two or more slices. Row bands of such a product would each stream
    /// all of the shared operand from memory (measured on a 2-vCPU Zen 5: a 128×128×32768 weight gradient took as long
    /// on two threads as on one); k slices stream disjoint parts of both operands. The choice depends on the shape
    /// only, so a product gives the same bits on any number of threads.
    /// </summary>
    internal static bool SplitsInner(int m, int n, int k) => (long)m * n <= SmallOutput && k >= 2 * InnerSlice;

    /// <summary>
    /// C = alpha·Σs op(A)[:, s]·op(B)[s, :] + beta·C over k slices s: the first slice writes C with the caller's beta,
    /// each later one a partial product of its own, added to C in slice order once all are done.
    /// </summary>
    static void RunInnerSlices(GemmFunction gemm, bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc)
    {
        int slices = (k + InnerSlice - 1) / InnerSlice;
        long size = (long)m * n;
        float* partial = ManagedGemm.Buffer(ref partials, (slices - 1) * size);
        var call = new SliceCall(gemm, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, partial, slices);
        ParallelRows.For(slices, 1, call.RunSlices);
        ParallelRows.For(m, Math.Max(1, (int)(MinWorkPerThread / Math.Max(1L, (slices - 1) * n))), call.AddPartials);
    }

    sealed class SliceCall(GemmFunction gemm, bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc, float* partial, int slices)
    {
        public void RunSlices(int start, int end)
        {
            for (int s = start; s < end; s++)
            {
                int p0 = s * InnerSlice, length = Math.Min(InnerSlice, k - p0);
                float* aSlice = transA ? a + (long)p0 * lda : a + p0;
                float* bSlice = transB ? b + p0 : b + (long)p0 * ldb;
                if (s == 0) gemm.Invoke(transA, transB, m, n, length, alpha, aSlice, lda, bSlice, ldb, beta, c, ldc);
                else gemm.Invoke(transA, transB, m, n, length, alpha, aSlice, lda, bSlice, ldb, 0f, partial + (s - 1) * (long)m * n, n);
            }
        }

        /// <summary>C rows [start, end) += each later slice's partial product, in slice order.</summary>
        public void AddPartials(int start, int end)
        {
            for (int i = start; i < end; i++)
            {
                var row = new Span<float>(c + (long)i * ldc, n);
                for (int s = 1; s < slices; s++)
                    System.Numerics.Tensors.TensorPrimitives.Add(row, new ReadOnlySpan<float>(partial + (s - 1) * (long)m * n + (long)i * n, n), row);
            }
        }
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
    public static GemmFunction Bf16 => new(&Bf16Gemm.Sgemm);

    public void Invoke(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb,
        float beta, float* c, int ldc) =>
        function(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
