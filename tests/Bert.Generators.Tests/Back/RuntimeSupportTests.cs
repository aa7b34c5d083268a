using Bert.Generators.Tests.Back.Support;
using System.Runtime.Intrinsics;
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
    public void Vector_erf_is_within_2e_7_of_the_scalar_one_and_odd()
    {
        // Every 2^-12 from -6 to 6 (both pieces and the switch between them at 0.5), the tails, ±∞ and NaN.
        var inputs = Enumerable.Range(0, 12 * 4096).Select(i => -6f + i / 4096f)
            .Concat([0.5f, -0.5f, 0.49999997f, 1e-30f, -1e-30f, 0f, -0f, 9f, -30f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 1f]).ToArray();
        double worst = 0;
        for (int i = 0; i + 8 <= inputs.Length; i += 8)
        {
            var lanes = KernelMath.Erf(Vector256.Create(inputs.AsSpan(i, 8)));
            for (int lane = 0; lane < 8; lane++)
            {
                float x = inputs[i + lane], expected = KernelMath.Erf(x);
                if (float.IsNaN(x)) { Assert.True(float.IsNaN(lanes[lane])); continue; }
                if (float.IsInfinity(x)) expected = MathF.Sign(x);
                worst = Math.Max(worst, Math.Abs(lanes[lane] - expected));
                Assert.True(Math.Abs(lanes[lane] - expected) <= 2e-7, $"erf({x}): vector {lanes[lane]}, scalar {expected}");
                Assert.Equal(MathF.Sign(expected), MathF.Sign(lanes[lane]));
            }
        }
        Assert.True(worst > 0);   // the two are computed differently: the comparison is not of one function with itself
    }

    [Fact]
    public void Vector_exp_is_within_two_ulp_of_the_exact_value_over_floats_whole_range()
    {
        // Every 2^-10 from -87 to 88.7, plus values near the ends of the range.
        var inputs = Enumerable.Range(0, 179_000).Select(i => -87f + i / 1024f).Where(x => x <= 88.72f)
            .Concat([-87.33f, 88.72f, 0f, -0f, 1e-8f, -1e-8f]).ToArray();
        for (int i = 0; i + 8 <= inputs.Length; i += 8)
        {
            var lanes = KernelMath.Exp(Vector256.Create(inputs.AsSpan(i, 8)));
            for (int lane = 0; lane < 8; lane++)
            {
                double exact = Math.Exp(inputs[i + lane]);
                float ulp = MathF.BitIncrement((float)exact) - (float)exact;
                Assert.True(Math.Abs(lanes[lane] - exact) <= 2 * ulp, $"exp({inputs[i + lane]}) = {lanes[lane]}, exact {exact}");
            }
        }
    }

    [Fact]
    public void Vector_exp_flushes_underflow_to_zero_saturates_overflow_and_keeps_nan()
    {
        var lanes = KernelMath.Exp(Vector256.Create(float.NegativeInfinity, -1e6f, -88f, 89f, 1e6f, float.PositiveInfinity, float.NaN, 0f));
        Assert.Equal([0f, 0f, 0f, float.PositiveInfinity, float.PositiveInfinity, float.PositiveInfinity, float.NaN, 1f],
            Enumerable.Range(0, 8).Select(i => lanes[i]));
    }
}
