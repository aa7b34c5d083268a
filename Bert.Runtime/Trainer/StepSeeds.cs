namespace Bert.Runtime.Trainer;

/// <summary>Derives the dropout seed of each step from the run seed, so a resumed run draws the same masks.</summary>
public static class StepSeeds
{
    /// <summary>SplitMix64 finalizer over (seed, step): distinct, well-mixed 64-bit seeds per step.</summary>
    public static ulong ForStep(ulong runSeed, long step)
    {
        ulong z = runSeed + 0x9E3779B97F4A7C15UL * (ulong)(step + 1);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
