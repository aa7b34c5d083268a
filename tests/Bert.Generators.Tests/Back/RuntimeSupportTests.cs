using Bert.Generators.Tests.Back.Support;
using Bert.Runtime.Execution;

namespace Bert.Generators.Tests.Back;

/// <summary>The scalar runtime pieces generated kernels call, checked against published values.</summary>
public class RuntimeSupportTests
{
    [Theory]
    // erf values from Abramowitz & Stegun, table 7.1 (and erf(-x) = -erf(x)).
    [InlineData(0.0, 0.0)]
    [InlineData(0.1, 0.1124629160)]
    [InlineData(0.5, 0.5204998778)]
    [InlineData(1.0, 0.8427007929)]
    [InlineData(1.5, 0.9661051465)]
    [InlineData(2.0, 0.9953222650)]
    [InlineData(-0.3, -0.3286267595)]
    [InlineData(3.0, 0.9999779095)]
    public void Erf_matches_tables_to_float_precision(double x, double expected)
    {
        Assert.Equal(expected, KernelMath.Erf((float)x), 3e-7);
    }

    [Fact]
    public void Reference_philox_matches_the_random123_known_answers()
    {
        // Known-answer vectors of Random123's philox4x32-10 (kat_vectors).
        Assert.Equal((0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u), ReferencePhilox.Block(0, 0, 0, 0, 0, 0));
        Assert.Equal((0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu),
            ReferencePhilox.Block(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff));
        Assert.Equal((0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u),
            ReferencePhilox.Block(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0));
    }
}
