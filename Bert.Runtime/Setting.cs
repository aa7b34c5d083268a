namespace Bert.Runtime;

/// <summary>
/// A value the user chooses that a runtime message may have to name ("--steps is 0" on the command line). The runtime
/// does not know how an application spells it: a <see cref="UserError"/> about a setting is written against a namer,
/// <see cref="UserError.Message"/> uses the API's spelling (<see cref="Settings.ApiName"/>), and an application renders
/// its own with <see cref="UserError.Describe"/> (the CLI: its option names).
/// </summary>
public enum Setting
{
    /// <summary><see cref="Trainer.TrainerOptions.Steps"/>.</summary>
    Steps,
    /// <summary><see cref="Trainer.TrainerOptions.LearningRate"/>.</summary>
    LearningRate,
    /// <summary><see cref="Trainer.TrainerOptions.WarmupSteps"/>.</summary>
    WarmupSteps,
    /// <summary><see cref="Trainer.TrainerOptions.Dropout"/>.</summary>
    Dropout,
    /// <summary><see cref="Trainer.TrainerOptions.ClipNorm"/>.</summary>
    ClipNorm,
    /// <summary><see cref="Trainer.TrainerOptions.WeightDecay"/>.</summary>
    WeightDecay,
    /// <summary><see cref="Data.PretrainingOptions.MaxLen"/>.</summary>
    MaxLen,
    /// <summary>The folder a checkpoint is written to (<see cref="Trainer.CheckpointFolder"/>).</summary>
    CheckpointFolder,
    /// <summary>The folder given for the WikiText-2 files (<see cref="Data.DataLocation.Resolve"/>'s first argument).</summary>
    DataFolder,
}

/// <summary>How the runtime's own API spells each <see cref="Setting"/>.</summary>
public static class Settings
{
    public static string ApiName(Setting setting) => setting switch
    {
        Setting.Steps => "TrainerOptions.Steps",
        Setting.LearningRate => "TrainerOptions.LearningRate",
        Setting.WarmupSteps => "TrainerOptions.WarmupSteps",
        Setting.Dropout => "TrainerOptions.Dropout",
        Setting.ClipNorm => "TrainerOptions.ClipNorm",
        Setting.WeightDecay => "TrainerOptions.WeightDecay",
        Setting.MaxLen => "PretrainingOptions.MaxLen",
        Setting.CheckpointFolder => "the checkpoint folder",
        Setting.DataFolder => "the data folder",
        _ => throw new ArgumentOutOfRangeException(nameof(setting), setting, null),
    };
}
