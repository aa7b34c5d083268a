using Bert.Runtime.Cpu;

namespace Bert.Samples.Bench;

/// <summary>
/// <c>bench gemm</c>: the tutorial step's eleven matrix-product shapes (<see cref="GemmBench.TutorialShapes"/>) once
/// each on the CPU, every one on the backend <see cref="Blas"/> picks for it (<c>BERT_BLAS</c> forces one); the
/// report gives their GFLOP/s and its fraction of the machine's FMA peak, and with <c>--profile</c> each shape's.
/// </summary>
sealed class GemmBenchmark : IBenchmark
{
    public string Name => "gemm";
    public string Description => $"The tutorial step's {GemmBench.TutorialShapes.Count} GEMM shapes once each on the CPU ({Blas.Backend}).";

    public BenchmarkWork? Work => new(GemmBench.TutorialShapes.Sum(s => s.Flops), GemmBench.TutorialShapes.Count, "products");

    public Action Prepare(BenchSettings settings) => GemmBench.Prepare(GemmBench.TutorialShapes, settings.Profiler);
}
