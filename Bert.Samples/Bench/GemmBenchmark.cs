using Bert.Runtime.Cpu;
using Bert.Runtime.Execution;

namespace Bert.Samples.Bench;

/// <summary>
/// <c>bench gemm</c>: the tutorial step's eleven matrix-product shapes (<see cref="TutorialShapes"/>) once each on the
/// CPU, every one on the backend <see cref="Blas"/> picks for it (<c>BERT_BLAS</c> forces one); the report gives their
/// GFLOP/s and its fraction of the machine's FMA peak, and with <c>--profile</c> each shape's.
/// </summary>
sealed unsafe class GemmBenchmark : IBenchmark
{
    /// <summary>A GEMM shape: batch × (m×k)·(k×n), with the operand transposes the kernels use.</summary>
    public sealed record Shape(string Name, int M, int N, int K, bool TransA = false, bool TransB = false, int Batch = 1)
    {
        public double Flops => 2.0 * M * N * K * Batch;
    }

    /// <summary>
    /// The tutorial's GEMMs: 512 sequences × 64 tokens = 32 768 rows, hidden 128, FFN 256, 2 heads of 64,
    /// 5 120 prediction slots over a 20 256-word vocabulary. Dense layers keep weights as [out, in], so the
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

    public string Name => "gemm";
    public string Description => $"The tutorial step's {TutorialShapes.Count} GEMM shapes once each on the CPU ({Blas.Backend}).";

    public BenchmarkWork? Work => new(TutorialShapes.Sum(s => s.Flops), TutorialShapes.Count, "products");

    /// <summary>
    /// Every shape once through <see cref="Blas"/>, on operands allocated and filled now, shared by the shapes and held by
    /// the returned run; each shape's time and operations go to the profiler when there is one.
    /// </summary>
    public Action Prepare(BenchSettings settings)
    {
        var profiler = settings.Profiler;
        var a = Filled(TutorialShapes.Max(s => (long)s.M * s.K * s.Batch));
        var b = Filled(TutorialShapes.Max(s => (long)s.K * s.N * s.Batch));
        var c = Filled(TutorialShapes.Max(s => (long)s.M * s.N * s.Batch));
        return () =>
        {
            profiler?.Restart();
            foreach (var s in TutorialShapes)
            {
                Blas.SgemmStridedBatched(s.TransA, s.TransB, s.M, s.N, s.K, 1f, a.Pointer, s.TransA ? s.M : s.K, (long)s.M * s.K,
                    b.Pointer, s.TransB ? s.K : s.N, (long)s.K * s.N, 0f, c.Pointer, s.N, (long)s.M * s.N, s.Batch);
                profiler?.Lap($"{s.Name} ({Blas.BackendFor(s.M, s.N, s.K)})", s.Flops);
            }
        };
    }

    /// <summary>An operand in a <see cref="NativeArena"/>, as the generated programs' activations are (on huge pages).</summary>
    static NativeArena Filled(long count)
    {
        var arena = new NativeArena();
        arena.EnsureCapacity(count);
        float* p = arena.Pointer;
        for (long i = 0; i < count; i++) p[i] = (float)((i * 7919 % 1000) - 500) * 1e-3f;
        return arena;
    }
}
