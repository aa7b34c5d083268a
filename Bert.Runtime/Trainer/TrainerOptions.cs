namespace Bert.Runtime.Trainer;

public enum OptimizerKind { Adam, AdamW }

public enum ScheduleKind { Constant, Linear, Cosine }

/// <summary>How to optimize. Defaults are the tutorial's: Adam, lr 1e-3, no warmup, constant rate, no clipping.</summary>
public sealed record TrainerOptions
{
    public int Steps { get; init; } = 50;
    public float LearningRate { get; init; } = 1e-3f;
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    /// <summary>Decoupled weight decay (AdamW only); biases and LayerNorm parameters are never decayed.</summary>
    public float WeightDecay { get; init; } = 0.01f;
    public int WarmupSteps { get; init; }
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Constant;
    /// <summary>Global-norm gradient clipping threshold; 0 turns clipping off.</summary>
    public float ClipNorm { get; init; }
    public float Dropout { get; init; } = 0.2f;
    public ulong Seed { get; init; }

    /// <summary>Throws a <see cref="UserError"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Steps <= 0) throw new UserError(name => $"{name(Setting.Steps)} is {Steps}; it must be positive.");
        if (!(LearningRate > 0) || !float.IsFinite(LearningRate)) throw new UserError(name => $"{name(Setting.LearningRate)} is {LearningRate}; it must be a positive number.");
        if (WarmupSteps < 0 || WarmupSteps > Steps) throw new UserError(name => $"{name(Setting.WarmupSteps)} is {WarmupSteps}; it must be between 0 and {name(Setting.Steps)} ({Steps}).");
        if (!(Dropout >= 0 && Dropout < 1)) throw new UserError(name => $"{name(Setting.Dropout)} is {Dropout}; it must be in [0, 1).");
        if (!(ClipNorm >= 0)) throw new UserError(name => $"{name(Setting.ClipNorm)} is {ClipNorm}; it must be 0 (off) or positive.");
        if (!(WeightDecay >= 0)) throw new UserError(name => $"{name(Setting.WeightDecay)} is {WeightDecay}; it must not be negative.");
    }
}
