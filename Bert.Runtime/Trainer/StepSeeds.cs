using Bert.Runtime.Training;
namespace Bert.Runtime.Trainer;

/// <summary>
/// Derives the dropout seed of each step from the run seed, so a resumed run draws the same masks. In a data-parallel
/// run each rank draws its own masks (its examples are others than its neighbours'); rank 0 draws a single process's.
/// </summary>
public static class StepSeeds
{
    /// <summary>Distinct, well-mixed 64-bit seeds per step and rank (SplitMix64 over the run seed, then over the rank).</summary>
    public static ulong ForStep(ulong runSeed, long step, int rank = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        ulong seed = Prng.Mix(runSeed + 0x9E3779B97F4A7C15UL * (ulong)(step + 1));
        return rank == 0 ? seed : Prng.Mix(seed ^ 0xD1B54A32D192ED03UL * (ulong)rank);
    }
}
