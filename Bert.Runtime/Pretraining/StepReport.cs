namespace Bert.Runtime.Pretraining;

/// <summary>What one training step reports: its losses, the running averages, the rate and the pace.</summary>
public readonly record struct StepReport(
    int Step,
    int TotalSteps,
    PretrainingLosses Losses,
    PretrainingLosses Average,
    float LearningRate,
    double GradientNorm,
    double PairsPerSecond,
    TimeSpan Elapsed);
