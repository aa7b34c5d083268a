namespace Bert.Runtime.Training;

/// <summary>
/// The learning rate for each optimizer step (0-based). Warmup ramps linearly from 0 (step 0) to the peak at
/// step <c>warmupSteps</c>; after it the rate stays, falls linearly, or follows a half cosine to
/// <c>minimum</c> at <c>totalSteps</c>, and holds there.
/// </summary>
public abstract record LearningRateSchedule
{
    public abstract float At(long step);

    public static LearningRateSchedule Constant(float rate) => new ConstantSchedule(rate);

    /// <summary>Linear warmup to <paramref name="peak"/> over <paramref name="warmupSteps"/>, then constant.</summary>
    public static LearningRateSchedule WarmupConstant(float peak, long warmupSteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        return new WarmupConstantSchedule(peak, warmupSteps);
    }

    public static LearningRateSchedule WarmupLinear(float peak, long warmupSteps, long totalSteps, float minimum = 0f) =>
        WarmupDecay(peak, warmupSteps, totalSteps, minimum, cosine: false);

    public static LearningRateSchedule WarmupCosine(float peak, long warmupSteps, long totalSteps, float minimum = 0f) =>
        WarmupDecay(peak, warmupSteps, totalSteps, minimum, cosine: true);

    static WarmupDecaySchedule WarmupDecay(float peak, long warmupSteps, long totalSteps, float minimum, bool cosine)
    {
        if (warmupSteps < 0 || totalSteps < warmupSteps)
            throw new ArgumentOutOfRangeException(nameof(totalSteps), $"A schedule needs 0 <= warmup steps ({warmupSteps}) <= total steps ({totalSteps}).");
        return new WarmupDecaySchedule(peak, warmupSteps, totalSteps, minimum, cosine);
    }

    sealed record ConstantSchedule(float Rate) : LearningRateSchedule
    {
        public override float At(long step) => Rate;
    }

    sealed record WarmupConstantSchedule(float Peak, long WarmupSteps) : LearningRateSchedule
    {
        public override float At(long step) => step < WarmupSteps ? Peak * step / WarmupSteps : Peak;
    }

    sealed record WarmupDecaySchedule(float Peak, long WarmupSteps, long TotalSteps, float Minimum, bool Cosine) : LearningRateSchedule
    {
        public override float At(long step)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(step);
            if (step < WarmupSteps) return Peak * step / WarmupSteps;
            if (step >= TotalSteps) return Minimum;
            double progress = (double)(step - WarmupSteps) / (TotalSteps - WarmupSteps);
            double factor = Cosine ? 0.5 * (1 + Math.Cos(Math.PI * progress)) : 1 - progress;
            return (float)(Minimum + (Peak - Minimum) * factor);
        }
    }
}
