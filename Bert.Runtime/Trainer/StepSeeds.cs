namespace Bert.Runtime.Trainer;

/// <summary>Derives the dropout seed of each step from the run seed, so a resumed run draws the same masks.</summary>
public static class StepSeeds
{
    /// <summary>Distinct, well-mixed 64-bit seeds per step (SplitMix64 over the run seed).</summary>
    public static ulong ForStep(ulong runSeed, long step) => Data.Prng.Mix(runSeed + 0x9E3779B97F4A7C15UL * (ulong)(step + 1));
}
