using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bert.Runtime.Execution;

/// <summary>Math the generated CPU kernels call where <see cref="MathF"/> or <see cref="Vector256"/> has no fast equivalent of a CUDA intrinsic.</summary>
public static class KernelMath
{
    const double TwoOverSqrtPi = 1.1283791670955126;

    /// <summary>The largest of the 8 lanes (a vectorized max reduction's last step).</summary>
    public static float MaxAcross(Vector256<float> lanes)
    {
        var half = Vector128.Max(lanes.GetLower(), lanes.GetUpper());
        return MathF.Max(MathF.Max(half[0], half[1]), MathF.Max(half[2], half[3]));
    }

    /// <summary>
    /// eˣ on 8 lanes to within 2 ulp (Vector256.Exp falls back to scalar code on .NET 10, ten times slower):
    /// x = n·ln2 + r with |r| ≤ ln2/2, eʳ from a degree-6 polynomial (Cephes' expf coefficients), 2ⁿ built in the
    /// exponent bits as 2^⌊n/2⌋·2^⌈n/2⌉ so that n = 128 (x near float's limit) stays finite. Below ln(float.MinNormal)
    /// the result is 0, above ln(float.MaxValue) it is +∞, and NaN stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        var low = Vector256.Create(-87.33654f);
        var high = Vector256.Create(88.72283f);
        var clamped = Vector256.Min(Vector256.Max(x, low), high);
        var n = Vector256.Round(clamped * Vector256.Create(1.44269504f));
        var r = clamped - n * Vector256.Create(0.693359375f) - n * Vector256.Create(-2.12194440e-4f);
        var p = Vector256.Create(1.9875691500e-4f);
        p = p * r + Vector256.Create(1.3981999507e-3f);
        p = p * r + Vector256.Create(8.3334519073e-3f);
        p = p * r + Vector256.Create(4.1665795894e-2f);
        p = p * r + Vector256.Create(1.6666665459e-1f);
        p = p * r + Vector256.Create(5.0000001201e-1f);
        var er = p * (r * r) + r + Vector256<float>.One;
        var exponent = Vector256.ConvertToInt32(n);
        var half = exponent >> 1;
        var bias = Vector256.Create(127);
        var result = er * ((half + bias) << 23).AsSingle() * ((exponent - half + bias) << 23).AsSingle();
        result = Vector256.ConditionalSelect(Vector256.LessThan(x, low), Vector256<float>.Zero, result);
        result = Vector256.ConditionalSelect(Vector256.GreaterThan(x, high), Vector256.Create(float.PositiveInfinity), result);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), result, x);
    }

    /// <summary>1/√x, like CUDA's <c>rsqrtf</c> (exactly rounded here, not an estimate).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Rsqrt(float x) => 1f / MathF.Sqrt(x);

    /// <summary>
    /// The error function to float precision (like CUDA's <c>erff</c>): a Taylor series near zero, where 1 − erfc
    /// would cancel, and 1 − erfc(|x|) from a Chebyshev fit (relative error below 1.2e-7) elsewhere.
    /// </summary>
    public static float Erf(float x)
    {
        double z = Math.Abs((double)x);
        double erf;
        if (z < 0.5)
        {
            // erf(z) = 2/√π · Σ (−1)ⁿ z^(2n+1) / (n!·(2n+1)); ten terms reach double precision for z < 0.5.
            double zz = z * z, power = z, sum = z;
            for (int n = 1; n < 10; n++)
            {
                power *= -zz / n;
                sum += power / (2 * n + 1);
            }
            erf = TwoOverSqrtPi * sum;
        }
        else
        {
            double t = 1.0 / (1.0 + 0.5 * z);
            double erfc = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
            erf = 1.0 - erfc;
        }
        return (float)(x < 0 ? -erf : erf);
    }
}
