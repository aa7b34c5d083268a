using Bert.Runtime.Training;
using Bert.Runtime.Trainer;

namespace Bert.Runtime.Tests.Trainer;

public class StepSeedsTests
{
    [Fact]
    public void Every_rank_and_step_draws_its_own_dropout_seed()
    {
        var seeds = (from rank in Enumerable.Range(0, 8) from step in Enumerable.Range(0, 200) select StepSeeds.ForStep(7, step, rank)).ToList();
        Assert.Equal(seeds.Count, seeds.Distinct().Count());
        Assert.NotEqual(StepSeeds.ForStep(7, 3, 1), StepSeeds.ForStep(8, 3, 1));   // the run seed still counts
    }

    [Fact]
    public void Rank_0_draws_the_single_process_seeds()
    {
        // A single process passes no rank: a one-process run and rank 0 of several draw the same masks, and runs
        // before data parallelism resume with their own (SplitMix64 of seed + golden ratio · (step + 1)).
        for (int step = 0; step < 5; step++)
            Assert.Equal(Bert.Runtime.Training.Prng.Mix(11 + 0x9E3779B97F4A7C15UL * (ulong)(step + 1)), StepSeeds.ForStep(11, step, rank: 0));
        Assert.Equal(StepSeeds.ForStep(11, 4), StepSeeds.ForStep(11, 4, rank: 0));
    }
}
