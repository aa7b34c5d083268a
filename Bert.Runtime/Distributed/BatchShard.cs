namespace Bert.Runtime.Distributed;

/// <summary>
/// The examples of a global batch that one rank trains on: every rank builds the same global batch (same data order
/// and seed) and takes its own contiguous, equal share. When the batch does not divide by the world size, the last
/// <see cref="Dropped"/> (fewer than the world size) examples go to no rank this step, so that every rank's loss is a
/// mean over the same number of examples and averaging gradients over ranks weighs every example equally.
/// </summary>
public readonly record struct BatchShard(int Start, int Count, int Dropped)
{
    /// <summary>The examples as a range of the global batch (rows of its [Batch, …] tensors).</summary>
    public Range Range => Start..(Start + Count);

    public static BatchShard Of(int globalBatch, ProcessGroup group) => Of(globalBatch, group.Rank, group.WorldSize);

    /// <summary>Rank <paramref name="rank"/>'s share of a batch of <paramref name="globalBatch"/> examples split over <paramref name="worldSize"/> ranks.</summary>
    public static BatchShard Of(int globalBatch, int rank, int worldSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(worldSize);
        if (rank < 0 || rank >= worldSize) throw new ArgumentOutOfRangeException(nameof(rank), rank, $"must be in 0..{worldSize - 1}");
        if (globalBatch < worldSize)
            throw new UserError($"A batch of {globalBatch} example(s) cannot give each of the {worldSize} processes one: use a batch size of at least {worldSize} (a multiple of {worldSize} uses every example).");
        int share = globalBatch / worldSize;
        return new BatchShard(rank * share, share, globalBatch - share * worldSize);
    }
}
