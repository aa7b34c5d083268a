using Bert.Runtime.Distributed;

namespace Bert.Runtime.Tests.Distributed;

public class BatchShardTests
{
    [Theory]
    [InlineData(32, 4)]
    [InlineData(30, 4)]
    [InlineData(7, 7)]
    [InlineData(5, 1)]
    public void Ranks_take_equal_disjoint_contiguous_shares_and_drop_only_the_remainder(int batch, int world)
    {
        var shards = Enumerable.Range(0, world).Select(r => BatchShard.Of(batch, r, world)).ToArray();
        var taken = shards.SelectMany(s => Enumerable.Range(s.Start, s.Count)).ToArray();

        Assert.Single(shards.Select(s => s.Count).Distinct());
        Assert.Equal(taken.Distinct().Count(), taken.Length);
        Assert.Equal(Enumerable.Range(0, taken.Length), taken);          // in order, from the first example
        Assert.All(shards, s => Assert.Equal(batch - taken.Length, s.Dropped));
        Assert.InRange(shards[0].Dropped, 0, world - 1);
        Assert.Equal(shards[^1].Start..(shards[^1].Start + shards[^1].Count), shards[^1].Range);
    }

    [Fact]
    public void A_batch_smaller_than_the_world_is_a_user_error()
    {
        Assert.Contains("at least 4", Assert.Throws<UserError>(() => BatchShard.Of(3, 0, 4)).Message);
    }

    [Fact]
    public void A_rank_outside_the_world_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchShard.Of(8, 4, 4));
    }
}
