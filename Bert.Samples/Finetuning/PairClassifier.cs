using Bert.Runtime.Data.Mrpc;
using Bert.Runtime.Execution;
using Bert.Runtime.Training;
using Bert.Samples.Pretraining;

namespace Bert.Samples.Finetuning;

/// <summary>
/// A compiled sentence-pair classifier with its parameters as a <see cref="ParameterStore"/> (HuggingFace names,
/// over the model's own arrays) and batch loading.
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
    public ParameterStore Parameters => model.Parameters;

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
    public float Forward(bool training, ulong seed) => model.Forward(training, seed);

    public void Backward() => model.Backward();

    /// <summary>[batch, 2] logits of the last forward pass.</summary>
    public ReadOnlySpan<float> Logits => model.Logits;

    /// <summary>[batch, seq, hidden] encoder output of the last forward pass.</summary>
    public ReadOnlySpan<float> Encodings => model.Encodings;

    public string Describe() => $"{Name} ({Shape})";

    public void Dispose() => model.Dispose();
}
