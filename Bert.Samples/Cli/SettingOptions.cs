using Bert.Runtime;

namespace Bert.Samples.Cli;

/// <summary>
/// The command-line option of each runtime <see cref="Setting"/>: the runtime's messages about a setting are worded
/// with these names (<see cref="UserError.Describe"/>), so the CLI's wording stays in the CLI.
/// </summary>
public static class SettingOptions
{
    public static string Name(Setting setting) => setting switch
    {
        Setting.Steps => "--steps",
        Setting.LearningRate => "--lr",
        Setting.WarmupSteps => "--warmup",
        Setting.Dropout => "--dropout",
        Setting.ClipNorm => "--clip",
        Setting.WeightDecay => "--weight-decay",
        Setting.MaxLen => "--max-len",
        Setting.CheckpointFolder => "--out",
        Setting.DataFolder => "--data",
        _ => throw new ArgumentOutOfRangeException(nameof(setting), setting, null),
    };

    /// <summary>What to try after training diverged, in the CLI's options.</summary>
    public static string DivergenceAdvice =>
        $"The last good checkpoint is kept; try a lower {Name(Setting.LearningRate)}, a {Name(Setting.WarmupSteps)}, or {Name(Setting.ClipNorm)} 1.";
}
