using Bert.Runtime.Training;

namespace Bert.Runtime.Tests.Training;

public class PrngTests
{
    // Expected values from an independent Python transcription of SplitMix64 + xoshiro256** (whose raw
    // generator gives the published 11520, 0, 1509978240 from state 1,2,3,4).
    [Theory]
    [InlineData(0UL, 0UL, 0xbe830d84f1b9f86fUL, 0xbfe9852791e0a4c0UL, 0xab15c0c3fb44e7d1UL)]
    [InlineData(42UL, 7UL, 0x9edb5301fdd2107fUL, 0x7408839c32f797bdUL, 0xed16941c42d59c27UL)]
    public void Matches_reference_sequence(ulong seed, ulong stream, ulong first, ulong second, ulong third)
    {
        var rng = new Prng(seed, stream);
        Assert.Equal([first, second, third], new[] { rng.NextUInt64(), rng.NextUInt64(), rng.NextUInt64() });
    }

    [Fact]
    public void Streams_and_seeds_are_independent()
    {
        var a = new Prng(1, 0);
        var b = new Prng(1, 1);
        var c = new Prng(2, 0);
        ulong x = a.NextUInt64(), y = b.NextUInt64(), z = c.NextUInt64();
        Assert.NotEqual(x, y);
        Assert.NotEqual(x, z);
    }

    [Fact]
    public void NextInt_is_in_range_and_roughly_uniform()
    {
        var rng = new Prng(5);
        var counts = new int[7];
        for (int i = 0; i < 70_000; i++) counts[rng.NextInt(7)]++;
        Assert.All(counts, n => Assert.InRange(n, 9_500, 10_500));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Prng(0).NextInt(0));
    }

    [Fact]
    public void NextDouble_is_in_unit_interval_with_mean_one_half()
    {
        var rng = new Prng(9);
        double sum = 0;
        for (int i = 0; i < 100_000; i++)
        {
            double d = rng.NextDouble();
            Assert.InRange(d, 0.0, 0.9999999999999999);
            sum += d;
        }
        Assert.InRange(sum / 100_000, 0.495, 0.505);
    }

    [Fact]
    public void Shuffle_is_a_seeded_permutation()
    {
        int[] Shuffled(ulong seed)
        {
            int[] items = Enumerable.Range(0, 100).ToArray();
            new Prng(seed).Shuffle(items.AsSpan());
            return items;
        }
        Assert.Equal(Enumerable.Range(0, 100), Shuffled(3).Order());
        Assert.Equal(Shuffled(3), Shuffled(3));
        Assert.NotEqual(Shuffled(3), Shuffled(4));
        Assert.NotEqual(Enumerable.Range(0, 100), Shuffled(3));
    }
}
