using Bert.Runtime.Pretraining;
using Bert.Runtime;
using Bert.Runtime.Data;
using Bert.Runtime.Execution;
using Bert.Runtime.Gpu;
using Bert.Runtime.Trainer;
using Bert.Runtime.Training;

namespace Bert.Samples.Models;

/// <summary>
/// Connects the generated <see cref="TutorialBert"/> to the trainer: a parameter store (named with HuggingFace
/// names) over the model's own pinned arrays, batch loading, and the two losses, on the host (Forward/Backward)
/// or on a GPU session (ForwardOn/BackwardOn, outputs downloaded when read).
/// </summary>
sealed class TutorialBertPretraining : IPretrainingModel
{
    readonly TutorialBert model;

    public TutorialBertPretraining(int vocabulary)
    {
        model = new TutorialBert(vocabulary);
    }

    public ParameterStore Parameters => model.Parameters;

    public GpuSession? Gpu { get; private set; }

    public void UseDevice(DeviceSpec device, GpuOptions options)
    {
        if (Gpu is not null) throw new InvalidOperationException($"The model already runs on {Gpu.Device}; it cannot move again.");
        if (device.Kind != DeviceKind.Cpu) Gpu = model.OpenGpu(device, options);
    }

    public string Describe() => $"{nameof(TutorialBert)} ({ModelConfig.Tutorial})";

    public void Initialize(ulong seed) => model.InitializeParameters(seed);

    public void Load(in PretrainingBatch batch)
    {
        model.Bind(batch.Size, batch.MaxLen, PackedTokens.Count(batch.ValidLens), batch.RealPredictions());
        Pack(batch.Tokens, batch.Segments, batch.ValidLens, batch.MaxLen);
        batch.ValidLens.CopyTo(model.ValidLensInput);
        batch.NspLabels.CopyTo(model.NspLabelsInput);

        // The MLM head's rows: the prediction slots with weight > 0, as token rows (the slot's sequence start + position).
        Span<int> rows = model.MaskedRowsInput, labels = model.MlmLabelsInput;
        Span<float> weights = model.MlmWeightsInput;
        ReadOnlySpan<int> first = model.FirstRowsInput;
        int row = 0;
        for (int slot = 0; slot < batch.PredWeights.Length; slot++)
        {
            if (batch.PredWeights[slot] <= 0) continue;
            rows[row] = first[slot / batch.MaxPredictions] + batch.PredPositions[slot];
            labels[row] = batch.PredLabels[slot];
            weights[row] = batch.PredWeights[slot];
            row++;
        }
    }

    void Pack(ReadOnlySpan<int> tokenIds, ReadOnlySpan<int> segments, ReadOnlySpan<int> validLens, int seq) =>
        PackedTokens.Pack(tokenIds, segments, validLens, seq, model.TokenIdsInput, model.SegmentsInput, model.PositionIdsInput,
            model.TokenRowsInput, model.PaddedRowsInput, model.FirstRowsInput);

    public PretrainingLosses Forward(bool training, float dropout, ulong seed)
    {
        model.Dropout = dropout;
        if (Gpu is not { } gpu)
        {
            model.Forward(training, seed);
            return new PretrainingLosses(model.MlmLoss[0], model.NspLoss[0]);
        }
        model.ForwardOn(gpu, training, seed);
        return new PretrainingLosses(model.DownloadMlmLoss(gpu)[0], model.DownloadNspLoss(gpu)[0]);
    }

    public void Backward()
    {
        if (Gpu is { } gpu) model.BackwardOn(gpu);
        else model.Backward();
    }

    public ReadOnlySpan<float> Encode(ReadOnlySpan<int> tokens, ReadOnlySpan<int> segments)
    {
        // One example (no padding), one (unused, zero-weight) MLM row: the heads run but only the encodings are read.
        model.Bind(1, tokens.Length, tokens.Length, 1);
        Pack(tokens, segments, [tokens.Length], tokens.Length);
        model.ValidLensInput[0] = tokens.Length;
        model.MaskedRowsInput.Clear();
        model.MlmLabelsInput.Clear();
        model.MlmWeightsInput.Clear();
        model.NspLabelsInput.Clear();
        if (Gpu is not { } gpu)
        {
            model.Forward(training: false, seed: 0);
            return model.Encodings;
        }
        model.ForwardOn(gpu, training: false, seed: 0);
        return model.DownloadEncodings(gpu);
    }

    public ReadOnlySpan<float> MlmLogits => Gpu is { } gpu ? model.DownloadMlmLogits(gpu) : model.MlmLogits;

    public ReadOnlySpan<float> NspLogits => Gpu is { } gpu ? model.DownloadNspLogits(gpu) : model.NspLogits;

    public StepProfiler? Profiler
    {
        get => model.Profiler;
        set => model.Profiler = value;
    }

    public void Dispose()
    {
        Gpu?.Dispose();
        model.Dispose();
    }
}
