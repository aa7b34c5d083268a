using Bert.Runtime.Cpu;

namespace Bert.Runtime.Tests.Cpu;

/// <summary>Both GEMM backends against a double-precision reference over shapes, transposes, strides and scalars.</summary>
public unsafe class GemmTests
{
    public static TheoryData<string> Backends => new() { "openblas", "managed" };

    // Odd sizes, single elements, partial register tiles, several k blocks, several column blocks (n > 4096).
    static readonly (int M, int N, int K)[] Shapes =
    [
        (1, 1, 1), (1, 17, 5), (9, 1, 4), (7, 5, 3), (6, 16, 8), (13, 17, 19), (37, 45, 300),
        (121, 50, 513), (250, 33, 64), (3, 4100, 2), (130, 130, 130),
    ];

    static readonly (float Alpha, float Beta)[] Scalars = [(1f, 0f), (0.5f, 2f), (-1.25f, 1f)];

    [Theory, MemberData(nameof(Backends))]
    public void Sgemm_matches_reference_on_all_shapes_transposes_and_scalars(string backend)
    {
        var rng = new Random(1);
        foreach (var (m, n, k) in Shapes)
            foreach (bool transA in new[] { false, true })
                foreach (bool transB in new[] { false, true })
                    foreach (var (alpha, beta) in Scalars)
                        CheckOne(backend, rng, m, n, k, transA, transB, alpha, beta, pad: (m + n + k) % 3);
    }

    [Fact]
    public void Managed_kernels_at_256_and_512_bits_give_the_same_bits()
    {
        // Each element of C is the same chain of multiply-adds over k at either width (Vector512 runs in software
        // where the CPU lacks AVX-512, with the same fused results).
        var rng = new Random(7);
        foreach (var (m, n, k) in Shapes.Append((50, 70, 600)))
            foreach (bool transA in new[] { false, true })
                foreach (bool transB in new[] { false, true })
                    foreach (var (alpha, beta) in Scalars)
                    {
                        float[] a = Random(rng, (long)m * k), b = Random(rng, (long)k * n), c = Random(rng, (long)m * n);
                        float[] narrow = (float[])c.Clone(), wide = (float[])c.Clone();
                        int lda = transA ? m : k, ldb = transB ? k : n;
                        fixed (float* pa = a, pb = b, p256 = narrow, p512 = wide)
                        {
                            ManagedGemm.Sgemm<Lanes256>(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, p256, n);
                            ManagedGemm.Sgemm<Lanes512>(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, p512, n);
                        }
                        for (int i = 0; i < narrow.Length; i++)
                            if (BitConverter.SingleToInt32Bits(narrow[i]) != BitConverter.SingleToInt32Bits(wide[i]))
                                Assert.Fail($"m={m} n={n} k={k} transA={transA} transB={transB}: element {i} is {narrow[i]} at 256 bits, {wide[i]} at 512");
                    }
    }

    [Theory, MemberData(nameof(Backends))]
    public void Sgemm_with_padded_leading_dimensions_leaves_padding_untouched(string backend)
    {
        CheckOne(backend, new Random(2), 45, 39, 70, transA: true, transB: false, 1f, 0f, pad: 11);
        CheckOne(backend, new Random(3), 45, 39, 70, transA: false, transB: true, 2f, 0.5f, pad: 5);
    }

    [Theory, MemberData(nameof(Backends))]
    public void Large_product_that_is_split_over_threads_matches_reference(string backend)
    {
        CheckOne(backend, new Random(4), 700, 150, 96, transA: false, transB: true, 1f, 0f, pad: 0);
        CheckOne(backend, new Random(5), 40, 900, 120, transA: true, transB: false, 1f, 1f, pad: 0);
    }

    [Theory, MemberData(nameof(Backends))]
    public void Long_product_with_a_small_output_is_cut_along_k_and_matches_reference(string backend)
    {
        // k = 4500: three slices (2048, 2048, 404), the last one short; beta applied once, padding kept.
        Assert.True(ThreadedGemm.SplitsInner(37, 45, 4500));
        CheckOne(backend, new Random(8), 37, 45, 4500, transA: true, transB: false, 0.5f, 2f, pad: 3);
        CheckOne(backend, new Random(9), 37, 45, 4500, transA: false, transB: true, 1f, 0f, pad: 0);
        Assert.False(ThreadedGemm.SplitsInner(37, 45, 4095));
        Assert.False(ThreadedGemm.SplitsInner(1024, 1024, 100_000));
    }

    [Fact]
    public void A_product_cut_along_k_gives_the_same_bits_on_one_thread_as_on_several()
    {
        var rng = new Random(10);
        int m = 40, n = 48, k = 6000;
        float[] a = Random(rng, (long)k * m), b = Random(rng, (long)k * n);
        float[] one = new float[m * n], several = new float[m * n];
        int threads = ParallelRows.ThreadCount;
        fixed (float* pa = a, pb = b, p1 = one, pn = several)
        {
            try
            {
                ParallelRows.ThreadCount = 1;
                ThreadedGemm.Run(GemmFunction.Managed, true, false, m, n, k, 1f, pa, m, pb, n, 0f, p1, n);
                ParallelRows.ThreadCount = Math.Max(2, threads);
                ThreadedGemm.Run(GemmFunction.Managed, true, false, m, n, k, 1f, pa, m, pb, n, 0f, pn, n);
            }
            finally { ParallelRows.ThreadCount = threads; }
        }
        for (int i = 0; i < one.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(one[i]) == BitConverter.SingleToInt32Bits(several[i]), $"element {i}: {one[i]} on one thread, {several[i]} on several");
    }

    [Fact]
    public void Output_too_large_for_the_caches_is_streamed_to_memory_with_the_same_values()
    {
        // 4096 × 8224 floats (128 MiB, 64-byte aligned rows; over 64 MiB in each of two threads' column bands) with one k
        // block: the managed kernel's streaming-store path at either vector width.
        const int m = 4096, n = 8224, k = 64;
        var rng = new Random(6);
        float[] a = Random(rng, (long)m * k), b = Random(rng, (long)n * k);
        float* c = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)m * n * sizeof(float), 64);
        try
        {
            new Span<float>(c, m * n).Fill(float.NaN);   // beta = 0 must not read C
            fixed (float* pa = a, pb = b) Gemm("managed", false, true, m, n, k, 1.5f, pa, k, pb, k, 0f, c, n);
            var samples = Enumerable.Range(0, 2000).Select(_ => (rng.Next(m), rng.Next(n))).Append((m - 1, n - 1)).Append((0, n - 1));
            foreach (var (i, j) in samples)
            {
                double expected = 0;
                for (int p = 0; p < k; p++) expected += (double)a[i * k + p] * b[j * k + p];
                expected *= 1.5;
                Assert.True(Math.Abs(c[(long)i * n + j] - expected) <= 1e-4 * (1 + Math.Abs(expected)), $"C[{i},{j}] = {c[(long)i * n + j]}, expected {expected}");
            }
        }
        finally
        {
            System.Runtime.InteropServices.NativeMemory.AlignedFree(c);
        }
    }

    [Theory, MemberData(nameof(Backends))]
    public void Beta_zero_overwrites_nan_in_c_and_k_zero_only_scales_c(string backend)
    {
        float[] a = [1, 2], b = [3, 4], c = [float.NaN, float.NaN, float.NaN, float.NaN];
        fixed (float* pa = a, pb = b, pc = c) Gemm(backend, false, false, 2, 2, 1, 1f, pa, 1, pb, 2, 0f, pc, 2);
        Assert.Equal([3f, 4f, 6f, 8f], c);

        float[] c2 = [1, 2, 3, 4];
        fixed (float* pa = a, pb = b, pc = c2) Gemm(backend, false, false, 2, 2, 0, 1f, pa, 1, pb, 2, 3f, pc, 2);
        Assert.Equal([3f, 6f, 9f, 12f], c2);
    }

    [Theory, MemberData(nameof(Backends))]
    public void Strided_batched_matches_reference_per_matrix(string backend)
    {
        foreach (int batch in new[] { 1, 2, 7 })
            foreach (bool transB in new[] { false, true })
            {
                var rng = new Random(batch);
                const int m = 19, n = 23, k = 21;
                int lda = k, ldb = transB ? k : n, ldc = n;
                long strideA = m * lda + 3, strideB = k * n + 5, strideC = m * ldc + 2;
                float[] a = Random(rng, strideA * batch), b = Random(rng, strideB * batch), c = Random(rng, strideC * batch);
                float[] expected = (float[])c.Clone();
                for (int i = 0; i < batch; i++)
                    Reference(false, transB, m, n, k, 0.75f, a.AsSpan((int)(i * strideA)), lda, b.AsSpan((int)(i * strideB)), ldb,
                        0.5f, expected.AsSpan((int)(i * strideC)), ldc);
                fixed (float* pa = a, pb = b, pc = c)
                    Batched(backend, false, transB, m, n, k, 0.75f, pa, lda, strideA, pb, ldb, strideB, 0.5f, pc, ldc, strideC, batch);
                AssertClose(expected, c, k, $"{backend} batch={batch} transB={transB}");
            }
    }

    [Fact]
    public void Backend_follows_BERT_BLAS()
    {
        string? forced = Environment.GetEnvironmentVariable("BERT_BLAS")?.ToLowerInvariant();
        // Unforced: the mixed rule, or the managed kernel throughout on CPUs where it is faster on every shape (AMD with AVX-512).
        Assert.Equal(string.IsNullOrEmpty(forced) ? (Blas.PrefersManaged ? "managed" : "openblas+managed") : forced, Blas.Backend);
    }

    [Fact]
    public void Public_entry_points_run_on_the_selected_backend()
    {
        float[] a = [1, 2, 3, 4], b = [5, 6, 7, 8], c = new float[4], d = new float[8];
        fixed (float* pa = a, pb = b, pc = c) Blas.Sgemm(false, false, 2, 2, 2, 1f, pa, 2, pb, 2, 0f, pc, 2);
        Assert.Equal([19f, 22f, 43f, 50f], c);
        float[] a2 = [.. a, .. a], b2 = [.. b, .. b];
        fixed (float* pa = a2, pb = b2, pd = d) Blas.SgemmStridedBatched(false, true, 2, 2, 2, 1f, pa, 2, 4, pb, 2, 4, 0f, pd, 2, 4, 2);
        Assert.Equal([17f, 23f, 39f, 53f, 17f, 23f, 39f, 53f], d);
    }

    [Fact]
    public void Too_small_leading_dimension_is_refused_with_its_name()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            float* p = stackalloc float[16];
            Blas.Sgemm(false, false, 2, 4, 3, 1f, p, 2, p, 4, 0f, p, 4);
        });
        Assert.Equal("lda", e.ParamName);
    }

    static void CheckOne(string backend, Random rng, int m, int n, int k, bool transA, bool transB, float alpha, float beta, int pad)
    {
        int lda = (transA ? m : k) + pad, ldb = (transB ? k : n) + pad, ldc = n + pad;
        float[] a = Random(rng, (long)(transA ? k : m) * lda), b = Random(rng, (long)(transB ? n : k) * ldb);
        float[] c = Random(rng, (long)m * ldc);
        if (beta == 0f) c[0] = c[(m - 1) * ldc + n - 1] = float.NaN; // beta = 0 must not read C
        float[] expected = (float[])c.Clone();
        Reference(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, expected, ldc);
        fixed (float* pa = a, pb = b, pc = c) Gemm(backend, transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        // Padding columns of C are outside the product and must keep their values.
        for (int i = 0; i < m; i++)
            for (int j = n; j < ldc; j++)
                if (BitConverter.SingleToInt32Bits(c[i * ldc + j]) != BitConverter.SingleToInt32Bits(expected[i * ldc + j]))
                    Assert.Fail($"{backend} m={m} n={n} k={k}: padding C[{i},{j}] changed");
        AssertClose(expected, c, k, $"{backend} m={m} n={n} k={k} transA={transA} transB={transB} alpha={alpha} beta={beta} pad={pad}");
    }

    static void Gemm(string backend, bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc)
    {
        ThreadedGemm.Run(Function(backend), transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    static void Batched(string backend, bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda, long strideA,
        float* b, int ldb, long strideB, float beta, float* c, int ldc, long strideC, int batch)
    {
        BatchedGemm.Run(Function(backend), transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batch);
    }

    static GemmFunction Function(string backend)
    {
        if (backend == "managed") return GemmFunction.Managed;
        Assert.True(OpenBlas.IsAvailable, "libopenblas.so.0 is not installed: run scripts/setup.");
        return GemmFunction.OpenBlas;
    }

    /// <summary>Naive C = alpha·op(A)·op(B) + beta·C in double precision (beta = 0 ignores C, like BLAS).</summary>
    static void Reference(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                    sum += (double)(transA ? a[p * lda + i] : a[i * lda + p]) * (transB ? b[j * ldb + p] : b[p * ldb + j]);
                double old = beta == 0f ? 0 : (double)beta * c[i * ldc + j];
                c[i * ldc + j] = (float)(alpha * sum + old);
            }
    }

    static void AssertClose(float[] expected, float[] actual, int k, string what)
    {
        // Inputs are in [-1, 1): float accumulation error grows at most ~k·eps.
        double tolerance = 1e-5 * (k + 4);
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs((double)expected[i] - actual[i]);
            if (!(diff <= tolerance * Math.Max(1, Math.Abs(expected[i]))))
                Assert.Fail($"{what}: element {i} expected {expected[i]} got {actual[i]}");
        }
    }

    static float[] Random(Random rng, long count)
    {
        var values = new float[count];
        for (long i = 0; i < count; i++) values[i] = (float)(rng.NextDouble() * 2 - 1);
        return values;
    }
}
