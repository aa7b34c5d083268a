namespace Bert.Runtime.Distributed;

/// <summary>A run of gradient floats, as element offsets into the gradient buffer.</summary>
public readonly record struct ElementRange(long Start, long Length)
{
    public long End => Start + Length;
}

/// <summary>
/// One all-reduce unit of data-parallel training: <paramref name="Parameters"/> (spec indices, in the order their
/// gradients become final) and the contiguous <paramref name="Ranges"/> of the gradient buffer they cover, ascending.
/// The bucket can be reduced once its last parameter is final, while backward goes on with the others.
/// </summary>
public sealed record GradientBucket(int Index, IReadOnlyList<int> Parameters, IReadOnlyList<ElementRange> Ranges)
{
    public long Elements => Ranges.Sum(r => r.Length);
    public long Bytes => Elements * sizeof(float);
}

/// <summary>
/// Groups parameters into all-reduce buckets. Walking the gradients in the order backward finishes them, a bucket
/// takes parameters until it holds at least the target size (PyTorch DDP's rule), so the first buckets are ready
/// early in backward and the reductions overlap with the rest of it. A bucket's parameters need not be neighbours
/// in the buffer: it covers the runs they form (one NCCL group launch for all of them), never copying gradients.
/// </summary>
public static class GradientBuckets
{
    /// <summary>PyTorch DDP's default bucket size: large enough to amortize a launch, small enough to overlap.</summary>
    public const long DefaultBucketBytes = 25L * 1024 * 1024;

    /// <summary>
    /// Buckets for parameters of <paramref name="parameterElements"/> floats each (spec order, laid out back to back)
    /// that become final in <paramref name="readyOrder"/> (every index once), each of at least <paramref name="bucketBytes"/>
    /// except the last.
    /// </summary>
    public static GradientBucket[] Plan(IReadOnlyList<long> parameterElements, IReadOnlyList<int> readyOrder, long bucketBytes = DefaultBucketBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bucketBytes);
        RequirePermutation(readyOrder, parameterElements.Count);
        var offsets = new long[parameterElements.Count];
        for (int p = 1; p < offsets.Length; p++) offsets[p] = offsets[p - 1] + parameterElements[p - 1];

        var buckets = new List<GradientBucket>();
        var members = new List<int>();
        long bytes = 0;
        foreach (int p in readyOrder)
        {
            members.Add(p);
            bytes += parameterElements[p] * sizeof(float);
            if (bytes < bucketBytes) continue;
            buckets.Add(Bucket(buckets.Count, members, parameterElements, offsets));
            members.Clear();
            bytes = 0;
        }
        if (members.Count > 0) buckets.Add(Bucket(buckets.Count, members, parameterElements, offsets));
        return [.. buckets];
    }

    static GradientBucket Bucket(int index, List<int> members, IReadOnlyList<long> elements, long[] offsets)
    {
        // Parameters adjacent in spec order are adjacent in the buffer: merge them into one range.
        var ranges = new List<ElementRange>();
        foreach (int p in members.Order())
        {
            if (ranges.Count > 0 && ranges[^1].End == offsets[p]) ranges[^1] = ranges[^1] with { Length = ranges[^1].Length + elements[p] };
            else ranges.Add(new ElementRange(offsets[p], elements[p]));
        }
        return new GradientBucket(index, [.. members], ranges);
    }

    static void RequirePermutation(IReadOnlyList<int> order, int count)
    {
        var seen = new bool[count];
        foreach (int p in order)
        {
            if (p < 0 || p >= count) throw new ArgumentException($"The ready order names parameter {p}, but there are {count} (0..{count - 1}).", nameof(order));
            if (seen[p]) throw new ArgumentException($"The ready order names parameter {p} twice.", nameof(order));
            seen[p] = true;
        }
        if (order.Count != count)
            throw new ArgumentException($"The ready order names {order.Count} of the {count} parameters; it must name each once (missing: {Array.IndexOf(seen, false)}).", nameof(order));
    }
}
