using Bert.Runtime.Execution;
using Bert.Runtime.Gpu;

namespace Bert.Samples.Models;

/// <summary>
/// The generated surface shared by the sentence-pair classifiers of Bert.Samples/Models (each declares it in
/// BertClassifiers.cs), so one <see cref="PairClassifier"/> drives any of them: what every compiled model has
/// (<see cref="ICompiledGpuModel"/>), and the classifiers' dimensions, inputs and outputs.
/// </summary>
public interface ICompiledPairClassifier : ICompiledGpuModel
{
    void Bind(int batch, int seq, int tokens);
    Span<int> TokenIdsInput { get; }
    Span<int> SegmentsInput { get; }
    Span<int> PositionIdsInput { get; }
    Span<int> TokenRowsInput { get; }
    Span<int> PaddedRowsInput { get; }
    Span<int> ValidLensInput { get; }
    Span<float> PoolingWeightsInput { get; }
    Span<int> LabelsInput { get; }
    ReadOnlySpan<float> Encodings { get; }
    ReadOnlySpan<float> Logits { get; }

    // The outputs a fine-tuning or encoding step reads back from the GPU.
    ReadOnlySpan<float> DownloadEncodings(IGpuTarget gpu);
    ReadOnlySpan<float> DownloadLogits(IGpuTarget gpu);

    /// <summary>The model's [Hyper] Dropout.</summary>
    float DropoutRate { get; set; }
}
