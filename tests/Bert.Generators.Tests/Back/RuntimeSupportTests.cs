using Bert.Generators.Tests.Back.Support;
using Bert.Runtime.Cpu;
using Bert.Runtime.Execution;

namespace Bert.Generators.Tests.Back;

/// <summary>
/// The runtime math generated kernels call, checked against published values; the vector forms at both widths
/// (<see cref="Lanes256"/> and <see cref="Lanes512"/>, which the JIT runs in software where the CPU lacks AVX-512).
/// </summary>
public class RuntimeSupportTests
{
    /// <summary><paramref name="f"/> over <paramref name="inputs"/> (a multiple of 16 long), a vector of lanes at a time.</summary>
    static unsafe float[] Apply<L>(Func<L, L> f, float[] inputs) where L : struct, IFloatLanes<L>
    {
        var results = new float[inputs.Length];
        fixed (float* x = inputs, y = results)
            for (int i = 0; i < inputs.Length; i += L.Count) L.Store(f(L.Load(x + i)), y + i);
        return results;
    }

    static float[] Exp(int lanes, float[] x) => lanes == 16 ? Apply<Lanes512>(KernelMath.Exp, x) : Apply<Lanes256>(KernelMath.Exp, x);

    static float[] Erf(int lanes, float[] x) => lanes == 16 ? Apply<Lanes512>(KernelMath.Erf, x) : Apply<Lanes256>(KernelMath.Erf, x);

    /// <summary>Padded with zeros to a multiple of 16.</summary>
    static float[] Padded(IEnumerable<float> values)
    {
        var list = values.ToList();
        while (list.Count % 16 != 0) list.Add(0f);
        return [.. list];
    }
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

    // Every 2^-12 from -6 to 6 (both pieces and the switch between them at 0.5), the tails, ±∞ and NaN.
    static readonly float[] ErfInputs = Padded(Enumerable.Range(0, 12 * 4096).Select(i => -6f + i / 4096f)
        .Concat([0.5f, -0.5f, 0.49999997f, 1e-30f, -1e-30f, 0f, -0f, 9f, -30f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 1f]));

    // Every 2^-10 from -87 to 88.7, plus values near the ends of the range, and past them.
    static readonly float[] ExpInputs = Padded(Enumerable.Range(0, 179_000).Select(i => -87f + i / 1024f).Where(x => x <= 88.72f)
        .Concat([-87.33f, 88.72f, 0f, -0f, 1e-8f, -1e-8f, float.NegativeInfinity, -1e6f, -88f, 89f, 1e6f, float.PositiveInfinity, float.NaN]));

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void Vector_erf_is_within_2e_7_of_the_scalar_one_and_odd(int lanes)
    {
        var results = Erf(lanes, ErfInputs);
        double worst = 0;
        for (int i = 0; i < ErfInputs.Length; i++)
        {
            float x = ErfInputs[i], expected = KernelMath.Erf(x);
            if (float.IsNaN(x)) { Assert.True(float.IsNaN(results[i])); continue; }
            if (float.IsInfinity(x)) expected = MathF.Sign(x);
            worst = Math.Max(worst, Math.Abs(results[i] - expected));
            Assert.True(Math.Abs(results[i] - expected) <= 2e-7, $"erf({x}): vector {results[i]}, scalar {expected}");
            Assert.Equal(MathF.Sign(expected), MathF.Sign(results[i]));
        }
        Assert.True(worst > 0);   // the two are computed differently: the comparison is not of one function with itself
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void Vector_exp_is_within_two_ulp_of_the_exact_value_over_floats_whole_range(int lanes)
    {
        var results = Exp(lanes, ExpInputs);
        for (int i = 0; i < ExpInputs.Length; i++)
        {
            float x = ExpInputs[i];
            if (!float.IsFinite(x) || x < -87.33f || x > 88.72f) continue;
            double exact = Math.Exp(x);
            float ulp = MathF.BitIncrement((float)exact) - (float)exact;
            Assert.True(Math.Abs(results[i] - exact) <= 2 * ulp, $"exp({x}) = {results[i]}, exact {exact}");
        }
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void Vector_exp_flushes_underflow_to_zero_saturates_overflow_and_keeps_nan(int lanes)
    {
        float[] inputs = Padded([float.NegativeInfinity, -1e6f, -88f, 89f, 1e6f, float.PositiveInfinity, float.NaN, 0f]);
        Assert.Equal([0f, 0f, 0f, float.PositiveInfinity, float.PositiveInfinity, float.PositiveInfinity, float.NaN, 1f], Exp(lanes, inputs).Take(8));
    }

    /// <summary>Element-wise math rounds the same at both widths: a kernel's bits do not depend on the machine's vectors.</summary>
    [Fact]
    public void Exp_and_erf_give_the_same_bits_on_8_and_16_lanes()
    {
        Assert.Equal(Exp(8, ExpInputs).Select(BitConverter.SingleToInt32Bits), Exp(16, ExpInputs).Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(Erf(8, ErfInputs).Select(BitConverter.SingleToInt32Bits), Erf(16, ErfInputs).Select(BitConverter.SingleToInt32Bits));
    }
}
