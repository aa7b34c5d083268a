using Bert.Runtime.Data.Mrpc;

namespace Bert.Runtime.Tests.Mrpc;

public class FixedBucketSamplerTests
{
    [Fact]
    public void KeysAreEvenlySpacedUpToTheLongestLength()
    {
        int[] lengths = [10, 11, 15, 20, 29, 30];
        var sampler = new FixedBucketSampler(lengths, batchSize: 4, bucketCount: 4, shuffle: false);

        // Width (30 - 10) / 4 = 5: keys 15, 20, 25, 30; the bucket up to 25 is empty and dropped.
        Assert.Equal([15, 20, 30], sampler.BucketKeys);
        Assert.Equal(
            [(15, new[] { 0, 1, 2 }), (20, new[] { 3 }), (30, new[] { 4, 5 })],
            sampler.Epoch(0).Select(b => (b.BucketKey, b.Examples)));
    }

    [Fact]
    public void SplitsLargeBucketsIntoBatchesOfAtMostTheBatchSize()
    {
        int[] lengths = [.. Enumerable.Repeat(5, 10)];
        var sampler = new FixedBucketSampler(lengths, batchSize: 4, bucketCount: 3, shuffle: false);

        Assert.Equal([5], sampler.BucketKeys);
        Assert.Equal([4, 4, 2], sampler.Epoch(0).Select(b => b.Examples.Length));
    }

    [Fact]
    public void ShufflesDeterministically()
    {
        int[] lengths = [.. Enumerable.Range(0, 200).Select(i => 5 + i % 40)];
        int[] Order(ulong seed, int epoch) =>
            [.. new FixedBucketSampler(lengths, 8, 5, shuffle: true, seed).Epoch(epoch).SelectMany(b => b.Examples)];

        Assert.Equal(Order(1, 0), Order(1, 0));
        Assert.NotEqual(Order(1, 0), Order(2, 0));
        Assert.NotEqual(Order(1, 0), Order(1, 1));
        Assert.Equal(Enumerable.Range(0, 200), Order(1, 0).Order());
    }

    [Fact]
    public void RejectsNoExamples()
    {
        Assert.Throws<ArgumentException>(() => new FixedBucketSampler([], batchSize: 4));
    }

}
