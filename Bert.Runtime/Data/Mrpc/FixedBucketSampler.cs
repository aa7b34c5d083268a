using Bert.Runtime.Training;
namespace Bert.Runtime.Data.Mrpc;

/// <summary>
/// Groups examples into buckets of similar length and yields batches from one bucket at a time, like
/// GluonNLP's FixedBucketSampler: bucket keys are spaced evenly between the shortest and longest example, an
/// example goes to the first bucket whose key is at least its length, each bucket is cut into batches of at most
/// BatchSize. When shuffling, each epoch shuffles the examples inside every bucket and the order of the batches,
/// from a generator seeded by (seed, epoch) alone, so any epoch can be replayed.
/// </summary>
public sealed class FixedBucketSampler
{
    readonly int[][] buckets;
    readonly (int Bucket, int Start)[] batches;
    readonly bool shuffle;
    readonly ulong seed;

    public FixedBucketSampler(ReadOnlySpan<int> lengths, int batchSize, int bucketCount = 10, bool shuffle = true, ulong seed = 0)
    {
        if (lengths.IsEmpty) throw new ArgumentException("There are no examples to batch.", nameof(lengths));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bucketCount);
        BatchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;

        int[] keys = EvenKeys(lengths, bucketCount);
        var members = keys.Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < lengths.Length; i++)
        {
            int bucket = Array.BinarySearch(keys, lengths[i]);
            members[bucket >= 0 ? bucket : ~bucket].Add(i);
        }

        // Empty buckets are dropped.
        var kept = Enumerable.Range(0, keys.Length).Where(b => members[b].Count > 0).ToArray();
        BucketKeys = [.. kept.Select(b => keys[b])];
        buckets = [.. kept.Select(b => members[b].ToArray())];
        batches = [.. buckets.SelectMany((examples, bucket) =>
            Enumerable.Range(0, (examples.Length + batchSize - 1) / batchSize).Select(k => (bucket, k * batchSize)))];
    }

    public int BatchSize { get; }

    /// <summary>The upper length bound of each non-empty bucket, ascending.</summary>
    public IReadOnlyList<int> BucketKeys { get; }

    /// <summary>Batches per epoch (the last batch of a bucket may be smaller than BatchSize).</summary>
    public int BatchCount => batches.Length;

    /// <summary>The batches of one epoch: example indices and the key of the bucket they come from.</summary>
    public IEnumerable<(int BucketKey, int[] Examples)> Epoch(int epoch)
    {
        int[][] order = buckets;
        (int Bucket, int Start)[] batchOrder = batches;
        if (shuffle)
        {
            var random = new Prng(seed, (ulong)epoch);
            order = [.. buckets.Select(examples => (int[])examples.Clone())];
            foreach (int[] examples in order) random.Shuffle(examples.AsSpan());
            batchOrder = [.. batches];
            random.Shuffle(batchOrder.AsSpan());
        }
        foreach ((int bucket, int start) in batchOrder)
        {
            int[] examples = order[bucket];
            yield return (BucketKeys[bucket], examples[start..Math.Min(start + BatchSize, examples.Length)]);
        }
    }

    // Keys min + ceil(k * (max - min) / count) for k = 1..count: equal widths, the last key is the longest length.
    static int[] EvenKeys(ReadOnlySpan<int> lengths, int bucketCount)
    {
        int min = int.MaxValue, max = int.MinValue;
        foreach (int length in lengths)
        {
            min = Math.Min(min, length);
            max = Math.Max(max, length);
        }
        long range = max - min;
        return [.. Enumerable.Range(1, bucketCount).Select(k => min + (int)((k * range + bucketCount - 1) / bucketCount)).Distinct()];
    }
}
