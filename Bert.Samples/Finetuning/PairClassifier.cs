using Bert.Runtime;
using Bert.Runtime.Data.Mrpc;
using Bert.Runtime.Gpu;
using Bert.Runtime.Training;
using Bert.Samples.Pretraining;

namespace Bert.Samples.Finetuning;

/// <summary>
/// A compiled sentence-pair classifier with its parameters as a <see cref="ParameterStore"/> (HuggingFace names,
/// over the model's own arrays) and batch loading; its passes run on the host, or on a GPU after <see cref="UseDevice"/>.
/// </summary>
public sealed class PairClassifier : IDisposable
{
    readonly ICompiledPairClassifier model;

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

    public void Initialize(ulong seed) => model.InitializeParameters(seed);

    public void Load(SentencePairBatch batch)
    {
        model.Bind(batch.Size, batch.SequenceLength);
        batch.TokenIds.CopyTo(model.TokensInput);
        batch.SegmentIds.CopyTo(model.SegmentsInput);
        batch.ValidLengths.CopyTo(model.ValidLensInput);
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

    /// <summary>[batch, seq, hidden] encoder output of the last forward pass (downloaded on a GPU).</summary>
    public ReadOnlySpan<float> Encodings => Gpu is { } gpu ? model.DownloadEncodings(gpu) : model.Encodings;

    public string Describe() => $"{Name} ({Shape})";

    public void Dispose()
    {
        Gpu?.Dispose();
        model.Dispose();
    }
}
