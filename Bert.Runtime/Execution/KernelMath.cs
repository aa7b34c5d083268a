using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bert.Runtime.Execution;

/// <summary>Scalar math the generated CPU kernels call where <see cref="MathF"/> has no equivalent of a CUDA intrinsic.</summary>
public static class KernelMath
{
    const double TwoOverSqrtPi = 1.1283791670955126;

    /// <summary>The largest of the 8 lanes (a vectorized max reduction's last step).</summary>
    public static float MaxAcross(Vector256<float> lanes)
    {
        var half = Vector128.Max(lanes.GetLower(), lanes.GetUpper());
        return MathF.Max(MathF.Max(half[0], half[1]), MathF.Max(half[2], half[3]));
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
