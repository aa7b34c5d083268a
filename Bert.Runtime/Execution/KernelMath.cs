using System.Runtime.CompilerServices;
using Bert.Runtime.Cpu;

namespace Bert.Runtime.Execution;

/// <summary>Math the generated kernels call where <see cref="MathF"/> or the vector types have no fast equivalent of a CUDA intrinsic.</summary>
public static class KernelMath
{
    const double TwoOverSqrtPi = 1.1283791670955126;

    /// <summary>
    /// eˣ on every lane to within 2 ulp (Vector256.Exp falls back to scalar code on .NET 10, ten times slower):
    /// x = n·ln2 + r with |r| ≤ ln2/2, eʳ from a degree-6 polynomial (Cephes' expf coefficients) evaluated in
    /// Estrin's scheme (a chain four multiply-adds deep instead of six, so that consecutive vectors overlap),
    /// then eʳ·2ⁿ (one <c>vscalefps</c> with AVX-512). Below ln(float.MinNormal) the result is 0, above
    /// ln(float.MaxValue) it is +∞, and NaN stays NaN. Each step is one instruction on AVX2 + FMA or AVX-512.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static L Exp<L>(L x) where L : struct, IFloatLanes<L>
    {
        var low = L.Create(-87.33654f);
        var high = L.Create(88.72283f);
        var clamped = L.Clamp(x, low, high);
        var n = L.RoundToNearest(clamped * L.Create(1.44269504f));
        var r = L.MulAdd(n, L.Create(2.12194440e-4f), L.MulAdd(n, L.Create(-0.693359375f), clamped));
        var r2 = r * r;
        var c01 = L.MulAdd(L.Create(1.6666665459e-1f), r, L.Create(5.0000001201e-1f));
        var c23 = L.MulAdd(L.Create(8.3334519073e-3f), r, L.Create(4.1665795894e-2f));
        var c45 = L.MulAdd(L.Create(1.9875691500e-4f), r, L.Create(1.3981999507e-3f));
        var p = L.MulAdd(L.MulAdd(c45, r2, c23), r2, c01);
        var er = L.MulAdd(p, r2, r + L.One);
        var result = L.ScaleByPowerOfTwo(er, n);
        result = L.Select(L.LessThan(x, low), L.Zero, result);
        result = L.Select(L.GreaterThan(x, high), L.Create(float.PositiveInfinity), result);
        return L.Select(L.Equal(x, x), result, x);
    }

    /// <summary>
    /// The error function on every lane, within 2e-7 of the exact value (the GELU's Φ in a vector loop; the scalar
    /// <see cref="Erf(float)"/>, which GPU kernels also call, was 14 ns per element there): the same two pieces in
    /// float, computed on every lane and selected. Below 0.5, x·Σ cₙx²ⁿ, the Taylor series to x¹³ (the next term is
    /// under 5e-10); above, 1 − t·exp(−x² − 1.26551223 + t·P(t)) with t = 1/(1 + x/2), the Chebyshev fit of erfc
    /// (relative error below 1.2e-7) with <see cref="Exp{L}(L)"/>. ±∞ give ±1, NaN stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static L Erf<L>(L x) where L : struct, IFloatLanes<L>
    {
        var z = L.Abs(x);
        var zz = z * z;
        var s = L.MulAdd(L.Create(1.2055332981789664e-4f), zz, L.Create(-8.548327023450853e-4f));
        s = L.MulAdd(s, zz, L.Create(5.223977625442188e-3f));
        s = L.MulAdd(s, zz, L.Create(-2.6866170645131252e-2f));
        s = L.MulAdd(s, zz, L.Create(0.11283791670955126f));
        s = L.MulAdd(s, zz, L.Create(-0.37612638903183754f));
        s = L.MulAdd(s, zz, L.Create(1.1283791670955126f));
        var series = z * s;
        var t = L.One / L.MulAdd(L.Create(0.5f), z, L.One);
        var p = L.MulAdd(L.Create(0.17087277f), t, L.Create(-0.82215223f));
        p = L.MulAdd(p, t, L.Create(1.48851587f));
        p = L.MulAdd(p, t, L.Create(-1.13520398f));
        p = L.MulAdd(p, t, L.Create(0.27886807f));
        p = L.MulAdd(p, t, L.Create(-0.18628806f));
        p = L.MulAdd(p, t, L.Create(0.09678418f));
        p = L.MulAdd(p, t, L.Create(0.37409196f));
        p = L.MulAdd(p, t, L.Create(1.00002368f));
        var erfc = t * Exp(L.MulAdd(p, t, L.Create(-1.26551223f)) - zz);
        var magnitude = L.Select(L.LessThan(z, L.Create(0.5f)), series, L.One - erfc);
        return magnitude | (x & L.Create(-0f));   // erf(−x) = −erf(x)
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
