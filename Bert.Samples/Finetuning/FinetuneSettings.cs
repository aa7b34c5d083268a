using Bert.Runtime;
using Bert.Samples.Devices;

namespace Bert.Samples.Finetuning;

/// <summary>Everything a fine-tuning run needs; the CLI fills it from flags (defaults: the tutorial's).</summary>
/// <param name="MaxSteps">Stop after this many optimizer steps (0: run every epoch).</param>
/// <param name="Device">Where the model trains (null: the CPU).</param>
public sealed record FinetuneSettings(
    string CheckpointFolder,
    string DataFolder,
    string OutFolder,
    int Epochs = 3,
    int BatchSize = 32,
    float LearningRate = 5e-6f,
    float AdamEpsilon = 1e-9f,
    float ClipNorm = 1f,
    int MaxLen = 128,
    int WarmupSteps = 0,
    float Dropout = 0.1f,
    ulong Seed = 0,
    int MaxSteps = 0,
    ComputeDevice? Device = null)
{
    public ComputeDevice RunsOn => Device ?? ComputeDevice.Cpu;

    public void Validate()
    {
        if (Epochs < 1) throw new UserError($"--epochs is {Epochs}; it must be at least 1.");
        if (BatchSize < 1) throw new UserError($"--batch is {BatchSize}; it must be at least 1.");
        if (!(LearningRate > 0)) throw new UserError($"--lr is {LearningRate}; it must be positive.");
        if (!(AdamEpsilon > 0)) throw new UserError($"--eps is {AdamEpsilon}; it must be positive.");
        if (!(ClipNorm >= 0)) throw new UserError($"--clip is {ClipNorm}; it must be zero (off) or positive.");
        if (MaxLen < 4) throw new UserError($"--max-len is {MaxLen}; it must leave room for [CLS], two [SEP] and a token.");
        if (WarmupSteps < 0) throw new UserError($"--warmup is {WarmupSteps}; it must be zero or more.");
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
public sealed record FinetuneResult(
    string Model, int Steps, double Epochs, double TrainLoss, double TrainAccuracy, double PairsPerSecond,
    ClassificationScores Test, string Checkpoint, string Device, string? GpuName);

/// <summary>Progress of a run: model and data ready, one report per step, then the evaluation.</summary>
public abstract record FinetuneEvent
{
    public sealed record Ready(string Model, long Parameters, string Vocabulary, int TrainPairs, int TestPairs, int TotalSteps, IReadOnlyList<string> Notes, string Device) : FinetuneEvent;
    public sealed record Stepped(int Step, int TotalSteps, int Epoch, double Loss, double Accuracy, double PairsPerSecond) : FinetuneEvent;
    public sealed record Evaluating(int Pairs) : FinetuneEvent;
}
