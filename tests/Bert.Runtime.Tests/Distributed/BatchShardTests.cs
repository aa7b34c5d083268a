using Bert.Runtime.Distributed;
using Bert.Runtime.Pretraining;
using Bert.Runtime.Tests.Data;

namespace Bert.Runtime.Tests.Distributed;

public class BatchShardTests(SharedTrainingSet shared) : IClassFixture<SharedTrainingSet>
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

    [Theory]
    [InlineData(1)]
    [InlineData(3)]   // 512 = 3 · 170 + 2: the last two examples go to no rank
    [InlineData(8)]
    public void Shards_of_a_wikitext_batch_are_its_examples_with_their_prediction_slots(int world)
    {
        var batches = shared.Data.Batches(shuffle: true);
        batches.Next();
        var global = batches.Next();
        int l = global.MaxLen, p = global.MaxPredictions;
        int realPredictions = 0, covered = 0;
        for (int rank = 0; rank < world; rank++)
        {
            var shard = BatchShard.Of(global.Size, rank, world);
            var local = shard.Of(global);
            Assert.Equal((global.Epoch, global.Index, shard.Count, l, p), (local.Epoch, local.Index, local.Size, local.MaxLen, local.MaxPredictions));
            Assert.True(local.Tokens.SequenceEqual(global.Tokens.Slice(shard.Start * l, shard.Count * l)));
            Assert.True(local.Segments.SequenceEqual(global.Segments.Slice(shard.Start * l, shard.Count * l)));
            Assert.True(local.ValidLens.SequenceEqual(global.ValidLens.Slice(shard.Start, shard.Count)));
            Assert.True(local.NspLabels.SequenceEqual(global.NspLabels.Slice(shard.Start, shard.Count)));
            Assert.True(local.PredPositions.SequenceEqual(global.PredPositions.Slice(shard.Start * p, shard.Count * p)));
            Assert.True(local.PredLabels.SequenceEqual(global.PredLabels.Slice(shard.Start * p, shard.Count * p)));
            Assert.True(local.PredWeights.SequenceEqual(global.PredWeights.Slice(shard.Start * p, shard.Count * p)));

            // Each real slot still points at a masked token of its own example: the shard's example e is the
            // global batch's example Start + e, so the MLM rows a model derives from the shard are the global ones.
            for (int slot = 0; slot < local.PredWeights.Length; slot++)
            {
                if (local.PredWeights[slot] <= 0) continue;
                int example = slot / p, position = local.PredPositions[slot];
                Assert.Equal(global.Tokens[(shard.Start + example) * l + position], local.Tokens[example * l + position]);
                Assert.InRange(position, 1, local.ValidLens[example] - 2);
            }
            realPredictions += local.RealPredictions();
            covered += shard.Count;
        }
        int expectedReal = 0;
        foreach (float weight in global.PredWeights[..(covered * p)]) if (weight > 0) expectedReal++;
        Assert.Equal(expectedReal, realPredictions);
        Assert.Equal(global.Size - global.Size % world, covered);
    }

    [Fact]
    public void A_shard_outside_the_batch_is_rejected()
    {
        int size = shared.Data.Options.BatchSize;
        var error = Assert.Throws<ArgumentException>(() =>
        {
            var global = shared.Data.Batches(shuffle: false).Next();
            _ = new BatchShard(global.Size - 1, 2, 0).Of(global);
        });
        Assert.Contains($"not all in a batch of {size}", error.Message);
    }
}
