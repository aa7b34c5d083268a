using Bert.Runtime.Execution;
using Bert.Runtime;
using Bert.Runtime.Gpu;

namespace Bert.Samples.Models;

/// <summary>
/// The generated surface shared by the sentence-pair classifiers of Bert.Samples/Models (each declares it in
/// BertClassifiers.cs), so one <see cref="PairClassifier"/> drives any of them.
/// </summary>
public interface ICompiledPairClassifier : IDisposable
{
    Bert.Runtime.Training.ParameterStore Parameters { get; }
    void InitializeParameters(ulong seed);
    void Bind(int batch, int seq, int tokens);
    Span<int> TokenIdsInput { get; }
    Span<int> SegmentsInput { get; }
    Span<int> PositionIdsInput { get; }
    Span<int> TokenRowsInput { get; }
    Span<int> PaddedRowsInput { get; }
    Span<int> ValidLensInput { get; }
    Span<float> PoolingWeightsInput { get; }
    Span<int> LabelsInput { get; }
    float Forward(bool training, ulong seed);
    void Backward();
    ReadOnlySpan<float> Encodings { get; }
    ReadOnlySpan<float> Logits { get; }

    // The GPU program: the same passes on a session's buffers, outputs copied back on request.
    GpuSession OpenGpu(DeviceSpec device, GpuOptions? options = null);
    float ForwardOn(IGpuTarget gpu, bool training, ulong seed);
    void BackwardOn(IGpuTarget gpu);
    ReadOnlySpan<float> DownloadEncodings(IGpuTarget gpu);
    ReadOnlySpan<float> DownloadLogits(IGpuTarget gpu);

    /// <summary>Where the CPU passes time their kernels and GEMMs (null: not timed).</summary>
    StepProfiler? Profiler { get; set; }

    /// <summary>The model's [Hyper] Dropout.</summary>
    float DropoutRate { get; set; }
}
