using Bert.Runtime;
using Bert.Samples.Devices;

namespace Bert.Samples.Finetuning;

/// <summary>
/// Everything a fine-tuning run needs; the CLI fills it from flags. The defaults are BERT's GLUE recipe (Adam,
/// batch 32, linear warmup over the first 10 % of the steps and linear decay, 128 tokens) with the rate and epochs
/// of <see cref="FinetuneRecipe"/> for the model's size, which serve real pretrained checkpoints; the tutorial's
/// constant 5e-6 is <c>--lr 5e-6 --warmup 0</c>.
/// </summary>
/// <param name="Epochs">Passes over the training pairs (null: the model's <see cref="FinetuneRecipe"/>).</param>
/// <param name="LearningRate">Adam's peak rate (null: the model's <see cref="FinetuneRecipe"/>).</param>
/// <param name="MaxSteps">Stop after this many optimizer steps (0: run every epoch).</param>
/// <param name="DevFraction">The share of the training pairs held out as a dev set, scored after every epoch (0: none).</param>
/// <param name="Pooling">What the classifier reads: the [CLS] token or the mean of the tokens (null: the checkpoint's own, saved by an
/// earlier fine-tuning, else <see cref="DefaultPooling"/>).</param>
/// <param name="Device">Where the model trains (null: the CPU).</param>
public sealed record FinetuneSettings(
    string CheckpointFolder,
    string DataFolder,
    string OutFolder,
    int? Epochs = null,
    int BatchSize = 32,
    float? LearningRate = null,
    float AdamEpsilon = 1e-9f,
    float ClipNorm = 1f,
    int MaxLen = 128,
    WarmupLength? Warmup = null,
    float Dropout = 0.1f,
    ulong Seed = 0,
    int MaxSteps = 0,
    double DevFraction = 0.1,
    SentencePooling? Pooling = null,
    ComputeDevice? Device = null)
{
    /// <summary>The pooling of a checkpoint that names none.</summary>
    public const SentencePooling DefaultPooling = SentencePooling.Cls;

    public WarmupLength WarmupOrDefault => Warmup ?? WarmupLength.Default;

    public ComputeDevice RunsOn => Device ?? ComputeDevice.Cpu;

    public void Validate()
    {
        if (Epochs is < 1) throw new UserError($"--epochs is {Epochs}; it must be at least 1.");
        if (BatchSize < 1) throw new UserError($"--batch is {BatchSize}; it must be at least 1.");
        if (LearningRate is { } lr && !(lr > 0)) throw new UserError($"--lr is {lr}; it must be positive.");
        if (!(AdamEpsilon > 0)) throw new UserError($"--eps is {AdamEpsilon}; it must be positive.");
        if (!(ClipNorm >= 0)) throw new UserError($"--clip is {ClipNorm}; it must be zero (off) or positive.");
        if (MaxLen < 4) throw new UserError($"--max-len is {MaxLen}; it must leave room for [CLS], two [SEP] and a token.");
        if (!(DevFraction >= 0 && DevFraction < 0.5)) throw new UserError($"--dev-fraction is {DevFraction}; it must be in [0, 0.5).");
        if (!(Dropout >= 0 && Dropout < 1)) throw new UserError($"--dropout is {Dropout}; it must be in [0, 1).");
        if (MaxSteps < 0) throw new UserError($"--max-steps is {MaxSteps}; it must be zero (no limit) or more.");
        if (!string.IsNullOrWhiteSpace(OutFolder) && !string.IsNullOrWhiteSpace(CheckpointFolder) && SameFolder(OutFolder, CheckpointFolder))
            throw new UserError($"--out '{OutFolder}' is the checkpoint being fine-tuned: the fine-tuned model would replace it. Choose another --out.");
    }

    static bool SameFolder(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)), StringComparison.Ordinal);
}

/// <summary>Test-set accuracy and F1 (of the paraphrase class, MRPC's usual figure).</summary>
public sealed record ClassificationScores(int Examples, double Accuracy, double F1);

/// <summary>What a finished run reports; <paramref name="Device"/> is "cpu" or e.g. "cuda:0 (NVIDIA H100 80GB HBM3)".</summary>
/// <param name="DevCurve">The dev-set scores after each epoch (empty without a dev set).</param>
public sealed record FinetuneResult(
    string Model, int Steps, double Epochs, double TrainLoss, double TrainAccuracy, double PairsPerSecond,
    ClassificationScores Test, IReadOnlyList<ClassificationScores> DevCurve, string Checkpoint, string Device, string? GpuName, SentencePooling Pooling);

/// <summary>Linear warmup: a number of steps, or a fraction of the run's steps ("10%").</summary>
public sealed record WarmupLength(int? Steps, double? Fraction)
{
    public static WarmupLength Default { get; } = new(null, 0.1);

    public int StepsFor(int totalSteps) => Steps ?? (int)Math.Round(Fraction!.Value * totalSteps);

    /// <summary>Reads "38" (steps) or "10%" (of the steps).</summary>
    public static WarmupLength Parse(string text)
    {
        string t = text.Trim();
        if (t.EndsWith('%') && double.TryParse(t[..^1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double percent)
            && percent is >= 0 and <= 100)
            return new WarmupLength(null, percent / 100);
        if (int.TryParse(t, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int steps))
            return new WarmupLength(steps, null);
        throw new UserError($"--warmup is '{text}'; give a number of steps (e.g. 38) or a share of the steps from 0% to 100% (e.g. 10%).");
    }

    public override string ToString() => Steps is { } s ? $"{s} steps" : $"{Fraction * 100:0.##} % of the steps";
}

/// <summary>Progress of a run: model and data ready, one report per step, then the evaluation.</summary>
public abstract record FinetuneEvent
{
    public sealed record Ready(string Model, long Parameters, string Vocabulary, int TrainPairs, int DevPairs, int TestPairs, int Epochs, int TotalSteps,
        float LearningRate, int WarmupSteps, SentencePooling Pooling, IReadOnlyList<string> Notes, string Device) : FinetuneEvent;
    public sealed record Stepped(int Step, int TotalSteps, int Epoch, double Loss, double Accuracy, double PairsPerSecond) : FinetuneEvent;
    public sealed record Evaluating(int Pairs) : FinetuneEvent;
    public sealed record EpochEnded(int Epoch, ClassificationScores Dev) : FinetuneEvent;
}
