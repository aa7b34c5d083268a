using Bert.Runtime.Data;
using Bert.Runtime.Distributed;

namespace Bert.Runtime.Pretraining;

/// <summary>A rank's share (<see cref="BatchShard"/>) of a pretraining batch.</summary>
public static class PretrainingShards
{
    /// <summary>
    /// This share of <paramref name="global"/>: its examples' rows of every tensor, without copying. The prediction
    /// slots travel with their examples, and slot positions are per example, so the MLM rows a model derives from the
    /// shard (example · MaxLen + position) are the global batch's rows of these examples, renumbered from 0.
    /// </summary>
    public static PretrainingBatch Of(this BatchShard shard, in PretrainingBatch global)
    {
        var (start, count) = (shard.Start, shard.Count);
        if (start + count > global.Size)
            throw new ArgumentException($"Examples {start}..{start + count - 1} are not all in a batch of {global.Size}: take BatchShard.Of(batch.Size, group).", nameof(global));
        int tokens = global.MaxLen, slots = global.MaxPredictions;
        return new PretrainingBatch(global.Epoch, global.Index, count, global.MaxLen, global.MaxPredictions,
            global.Tokens.Slice(start * tokens, count * tokens), global.Segments.Slice(start * tokens, count * tokens),
            global.ValidLens.Slice(start, count),
            global.PredPositions.Slice(start * slots, count * slots), global.PredLabels.Slice(start * slots, count * slots),
            global.PredWeights.Slice(start * slots, count * slots), global.NspLabels.Slice(start, count));
    }
}
