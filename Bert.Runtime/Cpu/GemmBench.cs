using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Bert.Runtime.Cpu;

/// <summary>One measured GEMM: the best of the timed repetitions.</summary>
public sealed record GemmBenchResult(string Backend, string Case, double Milliseconds, double GFlops);

/// <summary>
/// Measures SGEMM throughput on the shapes the tutorial BERT (hidden 128, 32 768 tokens a step,
/// 20 256-word vocabulary) runs, on every available backend; the CLI's bench command prints the results.
/// </summary>
public static unsafe class GemmBench
{
    /// <summary>A GEMM shape: batch × (m×k)·(k×n), with the operand transposes the kernels use.</summary>
    public sealed record Shape(string Name, int M, int N, int K, bool TransA = false, bool TransB = false, int Batch = 1)
    {
        public double Flops => 2.0 * M * N * K * Batch;
    }

    /// <summary>
    /// The tutorial's GEMMs: 512 sequences × 64 tokens = 32 768 rows, hidden 128, FFN 256, 2 heads of 64,
    /// 5 120 masked predictions over a 20 256-word vocabulary. Dense layers keep weights as [out, in], so the
    /// forward product is X·Wᵀ, the input gradient dY·W and the weight gradient dYᵀ·X.
    /// </summary>
    public static IReadOnlyList<Shape> TutorialShapes { get; } =
    [
        new("dense 32768x128x128 (Bt)", 32768, 128, 128, TransB: true),
        new("ffn up 32768x256x128 (Bt)", 32768, 256, 128, TransB: true),
        new("ffn down 32768x128x256 (Bt)", 32768, 128, 256, TransB: true),
        new("dense input grad 32768x128x128", 32768, 128, 128),
        new("dense weight grad 128x128x32768 (At)", 128, 128, 32768, TransA: true),
        new("ffn weight grad 256x128x32768 (At)", 256, 128, 32768, TransA: true),
        new("decoder 5120x20256x128 (Bt)", 5120, 20256, 128, TransB: true),
        new("decoder input grad 5120x128x20256", 5120, 128, 20256),
        new("decoder weight grad 20256x128x5120 (At)", 20256, 128, 5120, TransA: true),
        new("attention scores 1024 x 64x64x64 (Bt)", 64, 64, 64, TransB: true, Batch: 1024),
        new("attention context 1024 x 64x64x64", 64, 64, 64, Batch: 1024),
    ];

    /// <summary>Backends this process can run: "openblas" (when installed) and "managed".</summary>
    public static IReadOnlyList<string> Backends => OpenBlas.IsAvailable ? ["openblas", "managed"] : ["managed"];

    /// <summary>Times every shape on every backend; each result is the fastest of <paramref name="repeats"/> runs after one warm-up.</summary>
    public static IReadOnlyList<GemmBenchResult> Run(IReadOnlyList<Shape>? shapes = null, int repeats = 5)
    {
        var results = new List<GemmBenchResult>();
        foreach (var shape in shapes ?? TutorialShapes)
            foreach (string backend in Backends)
                results.Add(Measure(backend, shape, repeats));
        return results;
    }

    /// <summary>
    /// Every shape of <paramref name="shapes"/> once through <see cref="Blas"/> (each on the backend it picks for
    /// that shape), on operands allocated and filled now, shared by the shapes and kept for the process's lifetime.
    /// </summary>
    public static Action Prepare(IReadOnlyList<Shape> shapes)
    {
        float* a = Filled(shapes.Max(s => (long)s.M * s.K * s.Batch));
        float* b = Filled(shapes.Max(s => (long)s.K * s.N * s.Batch));
        float* c = Filled(shapes.Max(s => (long)s.M * s.N * s.Batch));
        return () =>
        {
            foreach (var s in shapes)
                Blas.SgemmStridedBatched(s.TransA, s.TransB, s.M, s.N, s.K, 1f, a, s.TransA ? s.M : s.K, (long)s.M * s.K,
                    b, s.TransB ? s.K : s.N, (long)s.K * s.N, 0f, c, s.N, (long)s.M * s.N, s.Batch);
        };
    }

    public static GemmBenchResult Measure(string backend, Shape shape, int repeats)
    {
        var gemm = backend switch
        {
            "openblas" => GemmFunction.OpenBlas,
            "managed" => GemmFunction.Managed,
            _ => throw new ArgumentException($"Unknown GEMM backend '{backend}' (expected {string.Join(" or ", Backends)}).", nameof(backend)),
        };
        var (m, n, k) = (shape.M, shape.N, shape.K);
        long aSize = (long)m * k, bSize = (long)k * n, cSize = (long)m * n;
        float* a = Filled(aSize * shape.Batch), b = Filled(bSize * shape.Batch), c = Filled(cSize * shape.Batch);
        try
        {
            int lda = shape.TransA ? m : k, ldb = shape.TransB ? k : n;
            double best = double.MaxValue;
            for (int r = 0; r <= repeats; r++)
            {
                long start = Stopwatch.GetTimestamp();
                BatchedGemm.Run(gemm, shape.TransA, shape.TransB, m, n, k, 1f, a, lda, aSize, b, ldb, bSize, 0f, c, n, cSize, shape.Batch);
                double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                if (r > 0) best = Math.Min(best, seconds);
            }
            return new GemmBenchResult(backend, shape.Name, best * 1e3, shape.Flops / best / 1e9);
        }
        finally
        {
            NativeMemory.Free(a);
            NativeMemory.Free(b);
            NativeMemory.Free(c);
        }
    }

    static float* Filled(long count)
    {
        float* p = (float*)NativeMemory.Alloc((nuint)count, sizeof(float));
        for (long i = 0; i < count; i++) p[i] = (float)((i * 7919 % 1000) - 500) * 1e-3f;
        return p;
    }
}
