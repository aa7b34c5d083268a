using Bert.Runtime.Cpu;

namespace Bert.Runtime.Tests.Cpu;

public class PhiloxTests
{
    // Known-answer vectors from Random123's kat_vectors (counter[4], key[2] -> output[4]).
    [Theory]
    [InlineData(0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [InlineData(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [InlineData(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    public void Matches_Random123_known_answers(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint x0, uint x1, uint x2, uint x3)
    {
        Assert.Equal(new PhiloxBlock(x0, x1, x2, x3), Philox.Next(c0, c1, c2, c3, k0, k1));
    }

    [Fact]
    public void Sixty_four_bit_key_and_counter_map_to_low_then_high_words()
    {
        Assert.Equal(Philox.Next(0x243f6a88u, 0x85a308d3u, 0, 0, 0xa4093822u, 0x299f31d0u),
            Philox.Next(0x299f31d0_a4093822UL, 0x85a308d3_243f6a88UL));
    }

    [Fact]
    public void Uniform_is_in_unit_interval_with_uniform_moments()
    {
        const int n = 200_000;
        double sum = 0, sumSquares = 0;
        for (ulong i = 0; i < n; i++)
        {
            float u = Philox.Uniform(42, i);
            Assert.InRange(u, 0f, 0.99999995f);
            sum += u;
            sumSquares += u * u;
        }
        double mean = sum / n, variance = sumSquares / n - mean * mean;
        Assert.InRange(mean, 0.5 - 0.005, 0.5 + 0.005);
        Assert.InRange(variance, 1.0 / 12 - 0.003, 1.0 / 12 + 0.003);
    }

    [Fact]
    public void Normal_has_zero_mean_and_unit_variance()
    {
        const int n = 200_000;
        double sum = 0, sumSquares = 0;
        for (ulong i = 0; i < n; i++)
        {
            double x = Philox.Normal(7, i);
            Assert.True(double.IsFinite(x));
            sum += x;
            sumSquares += x * x;
        }
        Assert.InRange(sum / n, -0.01, 0.01);
        Assert.InRange(sumSquares / n, 0.98, 1.02);
    }

    [Fact]
    public void Values_do_not_depend_on_thread_count_or_order()
    {
        const int n = 10_000;
        var sequential = new float[n];
        for (int i = n - 1; i >= 0; i--) sequential[i] = Philox.Uniform(3, (ulong)i);
        var parallel = new float[n];
        ParallelRows.For(n, 100, (start, end) =>
        {
            for (int i = start; i < end; i++) parallel[i] = Philox.Uniform(3, (ulong)i);
        });
        Assert.Equal(sequential, parallel);
        Assert.NotEqual(Philox.Uniform(3, 0), Philox.Uniform(4, 0));
    }

    [Theory]
    [InlineData(42ul, 0ul)]
    [InlineData(0x9E3779B97F4A7C15ul, 0x1_0000_0000ul)]
    public void Four_consecutive_counters_take_the_four_words_of_one_block(ulong seed, ulong block)
    {
        var words = Philox.Next(seed, block);
        uint[] expected = [words.X0, words.X1, words.X2, words.X3];
        for (int word = 0; word < 4; word++)
            Assert.Equal((expected[word] >> 8) / 16777216f, Philox.Uniform(seed, 4 * block + (ulong)word));
    }

    /// <summary>Counters near 2³² (and blocks near 2³², counters near 2³⁴) check the carry from the low word into the high word; odd counters span three blocks.</summary>
    [Theory]
    [InlineData(0x9E3779B97F4A7C15ul, 0ul)]
    [InlineData(42ul, 123_456_789ul)]
    [InlineData(7ul, 0xFFFF_FFFCul)]
    [InlineData(ulong.MaxValue, 0x1_FFFF_FFF9ul)]
    [InlineData(5ul, 0x3_FFFF_FFFCul)]
    [InlineData(5ul, 0x3_FFFF_FFFAul)]
    public void Eight_lanes_equal_eight_scalar_draws(ulong seed, ulong counter)
    {
        var lanes = Philox.Uniform8(seed, counter);
        for (int lane = 0; lane < 8; lane++)
            Assert.Equal(Philox.Uniform(seed, counter + (ulong)lane), lanes[lane]);
    }

    /// <summary>The four-block form (AVX-512) and its fallbacks, at the same counters as the eight-lane test and at blocks near 2³².</summary>
    [Theory]
    [InlineData(0x9E3779B97F4A7C15ul, 0ul)]
    [InlineData(42ul, 123_456_789ul)]
    [InlineData(7ul, 0xFFFF_FFFCul)]
    [InlineData(7ul, 0x3_FFFF_FFF8ul)]
    [InlineData(ulong.MaxValue, 0x1_FFFF_FFF9ul)]
    [InlineData(5ul, 0x3_FFFF_FFFAul)]
    public void Sixteen_lanes_equal_sixteen_scalar_draws(ulong seed, ulong counter)
    {
        var draws = Philox.Uniform16(seed, counter);
        for (int lane = 0; lane < 16; lane++)
            Assert.Equal(Philox.Uniform(seed, counter + (ulong)lane), draws[lane]);
    }
}
