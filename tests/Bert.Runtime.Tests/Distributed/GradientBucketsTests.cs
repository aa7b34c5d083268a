using Bert.Runtime.Distributed;

namespace Bert.Runtime.Tests.Distributed;

public class GradientBucketsTests
{
    // Six parameters (floats each, spec order) that become final mostly backwards, weight and bias swapped in places.
    static readonly long[] Elements = [1000, 10, 500, 500, 20, 2000];
    static readonly int[] ReadyOrder = [5, 4, 2, 3, 1, 0];

    [Fact]
    public void Buckets_follow_the_ready_order_and_hold_at_least_the_target_except_the_last()
    {
        var buckets = GradientBuckets.Plan(Elements, ReadyOrder, bucketBytes: 2000);

        Assert.Equal(ReadyOrder, buckets.SelectMany(b => b.Parameters));
        Assert.All(buckets[..^1], b => Assert.True(b.Bytes >= 2000));
        Assert.All(buckets, b => Assert.True(b.Bytes - Elements[b.Parameters[^1]] * sizeof(float) < 2000, "a bucket closes as soon as it reaches the target"));
        Assert.Equal(Enumerable.Range(0, buckets.Length), buckets.Select(b => b.Index));
    }

    [Fact]
    public void Ranges_cover_exactly_the_bucket_parameters_gradients_merging_neighbours()
    {
        long[] offsets = [.. Elements.Select((_, p) => Elements.Take(p).Sum())];
        foreach (var bucket in GradientBuckets.Plan(Elements, ReadyOrder, bucketBytes: 2500))
        {
            var covered = bucket.Ranges.SelectMany(r => Range(r.Start, r.Length)).ToArray();
            var expected = bucket.Parameters.Order().SelectMany(p => Range(offsets[p], Elements[p])).ToArray();
            Assert.Equal(expected, covered);
            Assert.All(bucket.Ranges.Zip(bucket.Ranges.Skip(1)), pair => Assert.True(pair.First.End < pair.Second.Start, "neighbouring ranges are merged"));
        }
    }

    [Fact]
    public void Parameters_next_to_each_other_in_the_buffer_form_one_range_whatever_their_ready_order()
    {
        // Ready as 4, 2, 3: the first bucket (80 + 2000 + 2000 = 4080 bytes) is one range from offset 1010.
        var buckets = GradientBuckets.Plan([1000, 10, 500, 500, 20], [4, 2, 3, 1, 0], bucketBytes: 4080);
        Assert.Equal([4, 2, 3], buckets[0].Parameters);
        Assert.Equal([new ElementRange(1010, 1020)], buckets[0].Ranges);
        Assert.Equal([new ElementRange(0, 1010)], buckets[1].Ranges);
    }

    [Fact]
    public void A_parameter_larger_than_the_target_is_a_bucket_of_its_own()
    {
        var buckets = GradientBuckets.Plan(Elements, ReadyOrder, bucketBytes: 40);   // the smallest parameter's size
        Assert.Equal(ReadyOrder.Select(p => new[] { p }), buckets.Select(b => b.Parameters.ToArray()));
    }

    [Fact]
    public void The_default_target_puts_a_small_model_in_one_bucket()
    {
        var bucket = Assert.Single(GradientBuckets.Plan(Elements, ReadyOrder));
        Assert.Equal([new ElementRange(0, Elements.Sum())], bucket.Ranges);
    }

    [Theory]
    [InlineData(new[] { 5, 4, 2, 3, 1 }, "missing: 0")]
    [InlineData(new[] { 5, 4, 2, 3, 1, 1 }, "parameter 1 twice")]
    [InlineData(new[] { 5, 4, 2, 3, 1, 6 }, "parameter 6")]
    public void A_ready_order_that_is_not_a_permutation_is_rejected(int[] order, string expected)
    {
        Assert.Contains(expected, Assert.Throws<ArgumentException>(() => GradientBuckets.Plan(Elements, order)).Message);
    }

    static IEnumerable<long> Range(long start, long length)
    {
        for (long i = start; i < start + length; i++) yield return i;
    }
}
