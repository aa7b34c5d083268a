namespace Bert.Runtime.Trainer;

/// <summary>
/// The loss or a gradient became NaN or infinite, or a loss exploded far beyond any guess; training stopped before
/// applying that step.
/// </summary>
public sealed class TrainingDivergedException(int step, string what)
    : Exception($"Training diverged at step {step}: {what}.")
{
    /// <summary>A cross-entropy this many times that of a uniform guess (ln of the class count) has exploded: no run recovers from it.</summary>
    public const float ExplodedFactor = 100;

    public int Step { get; } = step;

    /// <summary>
    /// Throws when the cross-entropy <paramref name="loss"/> of <paramref name="name"/> over <paramref name="classes"/>
    /// classes, at <paramref name="step"/>, is not finite or exceeds <see cref="ExplodedFactor"/> times ln(classes).
    /// </summary>
    public static void ThrowIfDiverged(int step, string name, float loss, int classes)
    {
        if (!float.IsFinite(loss)) throw new TrainingDivergedException(step, $"the {name} loss is {loss}");
        float limit = ExplodedFactor * MathF.Log(classes);
        if (loss > limit)
            throw new TrainingDivergedException(step, $"the {name} loss {loss:G4} exceeds {limit:G4} ({ExplodedFactor:G} times a uniform guess's {MathF.Log(classes):G3})");
    }
}
