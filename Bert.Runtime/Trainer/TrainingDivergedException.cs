namespace Bert.Runtime.Trainer;

/// <summary>The loss or a gradient became NaN or infinite; training stopped before applying that step.</summary>
public sealed class TrainingDivergedException(int step, string what)
    : Exception($"Training diverged at step {step}: {what} is not finite. The last good checkpoint is kept; " +
                "try a lower --lr, a --warmup, or --clip 1.")
{
    public int Step { get; } = step;
}
