using Bert.Runtime;
using Bert.Runtime.Data;
using Bert.Runtime.Data.Mrpc;
using Bert.Runtime.Execution;
using Bert.Runtime.Gpu;
using Bert.Runtime.Training;
using Bert.Samples.Models;

namespace Bert.Samples.Finetuning;

/// <summary>
/// A compiled sentence-pair classifier with its parameters as a <see cref="ParameterStore"/> (HuggingFace names,
/// over the model's own arrays) and batch loading; its passes run on the host, or on a GPU after <see cref="UseDevice"/>.
/// </summary>
public sealed class PairClassifier : IDisposable
{
    readonly ICompiledPairClassifier model;
    int[] firstRows = [], validLens = [];

    public PairClassifier(string name, BertShape shape, ICompiledPairClassifier model)
    {
        Name = name;
        Shape = shape;
        this.model = model;
    }

    /// <summary>The model class, e.g. "TinyBertClassifier".</summary>
    public string Name { get; }
    public BertShape Shape { get; }
    /// <summary>The parameters; on a GPU the host copy is current only after <see cref="Bert.Runtime.Trainer.TrainingBackend.DownloadParameters"/>.</summary>
    public ParameterStore Parameters => model.Parameters;

    /// <summary>The GPU session the passes run on, or null while they run on the host.</summary>
    public GpuSession? Gpu { get; private set; }

    /// <summary>
    /// For <c>cuda:N</c> or <c>gpu-sim</c> (the same GPU program on ILGPU's CPU accelerator), opens a session there
    /// and uploads the current parameters; for <c>cpu</c>, nothing changes.
    /// </summary>
    public void UseDevice(DeviceSpec device, GpuOptions options)
    {
        if (Gpu is not null) throw new InvalidOperationException($"{Name} already runs on {Gpu.Device}; it cannot move again.");
        if (device.Kind != DeviceKind.Cpu) Gpu = model.OpenGpu(device, options);
    }

    public float Dropout { get => model.DropoutRate; set => model.DropoutRate = value; }

    /// <summary>Where the CPU passes time their kernels and GEMMs (<c>bench --profile</c>).</summary>
    public StepProfiler? Profiler { get => model.Profiler; set => model.Profiler = value; }

    /// <summary>What the pooler reads (the [CLS] token or the mean of the tokens); applies from the next <see cref="Load"/>.</summary>
    public SentencePooling Pooling { get; set; }

    public void Initialize(ulong seed) => model.InitializeParameters(seed);

    /// <summary>Binds the model to <paramref name="batch"/>: its real tokens packed (no work on padding), the pooling weights and the labels.</summary>
    public void Load(SentencePairBatch batch)
    {
        int tokens = PackedTokens.Count(batch.ValidLengths);
        model.Bind(batch.Size, batch.SequenceLength, tokens);
        firstRows = new int[batch.Size];
        validLens = batch.ValidLengths.ToArray();
        PackedTokens.Pack(batch.TokenIds, batch.SegmentIds, batch.ValidLengths, batch.SequenceLength, model.TokenIdsInput, model.SegmentsInput,
            model.PositionIdsInput, model.TokenRowsInput, model.PaddedRowsInput, firstRows);
        batch.ValidLengths.CopyTo(model.ValidLensInput);
        Pooling.WriteWeights(firstRows, batch.ValidLengths, tokens, model.PoolingWeightsInput);
        batch.Labels.CopyTo(model.LabelsInput);
    }

    /// <summary>Runs the forward pass on the loaded batch; returns the mean cross-entropy.</summary>
    public float Forward(bool training, ulong seed)
    {
        return Gpu is { } gpu ? model.ForwardOn(gpu, training, seed) : model.Forward(training, seed);
    }

    public void Backward()
    {
        if (Gpu is { } gpu) model.BackwardOn(gpu);
        else model.Backward();
    }

    /// <summary>[batch, 2] logits of the last forward pass (downloaded on a GPU).</summary>
    public ReadOnlySpan<float> Logits => Gpu is { } gpu ? model.DownloadLogits(gpu) : model.Logits;

    /// <summary>[tokens, hidden] encoder output of the last forward pass, each example's valid tokens one after another (downloaded on a GPU).</summary>
    public ReadOnlySpan<float> Encodings => Gpu is { } gpu ? model.DownloadEncodings(gpu) : model.Encodings;

    /// <summary>[length, hidden] encodings of example <paramref name="example"/>'s valid tokens in the last forward pass.</summary>
    public ReadOnlySpan<float> ExampleEncodings(int example) =>
        Encodings.Slice(firstRows[example] * Shape.Hidden, validLens[example] * Shape.Hidden);

    public string Describe() => $"{Name} ({Shape})";

    public void Dispose()
    {
        Gpu?.Dispose();
        model.Dispose();
    }
}
