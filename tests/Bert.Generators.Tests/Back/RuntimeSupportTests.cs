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
}
