using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
    /// x = n·ln2 + r with |r| ≤ ln2/2, eʳ from a degree-6 polynomial (Cephes' expf coefficients) evaluated in
    /// Estrin's scheme (a chain four multiply-adds deep instead of six, so that consecutive vectors overlap),
    /// then eʳ·2ⁿ: one <c>vscalefps</c> with AVX-512, else 2ⁿ built in the exponent bits as 2^⌊n/2⌋·2^⌈n/2⌉ so that
    /// n = 128 (x near float's limit) stays finite. Below ln(float.MinNormal) the result is 0, above ln(float.MaxValue)
    /// it is +∞, and NaN stays NaN. On AVX2 + FMA the steps are single instructions (the portable Min/Max/Round/Convert
    /// add NaN and saturation handling the clamp makes unnecessary).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        var low = Vector256.Create(-87.33654f);
        var high = Vector256.Create(88.72283f);
        var clamped = Min(Max(x, low), high);
        var n = RoundToNearest(clamped * Vector256.Create(1.44269504f));
        var r = MulAdd(n, Vector256.Create(2.12194440e-4f), MulAdd(n, Vector256.Create(-0.693359375f), clamped));
        var r2 = r * r;
        var c01 = MulAdd(Vector256.Create(1.6666665459e-1f), r, Vector256.Create(5.0000001201e-1f));
        var c23 = MulAdd(Vector256.Create(8.3334519073e-3f), r, Vector256.Create(4.1665795894e-2f));
        var c45 = MulAdd(Vector256.Create(1.9875691500e-4f), r, Vector256.Create(1.3981999507e-3f));
        var p = MulAdd(MulAdd(c45, r2, c23), r2, c01);
        var er = MulAdd(p, r2, r + Vector256<float>.One);
        var result = Avx512F.VL.IsSupported ? Avx512F.VL.Scale(er, n) : er * PowerOfTwo(n);
        result = Select(Vector256.LessThan(x, low), Vector256<float>.Zero, result);
        result = Select(Vector256.GreaterThan(x, high), Vector256.Create(float.PositiveInfinity), result);
        return Select(Vector256.Equals(x, x), result, x);
    }

    /// <summary>2ⁿ for whole n in [−126, 128], as 2^⌊n/2⌋·2^⌈n/2⌉ built in the exponent bits (each factor stays finite).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> PowerOfTwo(Vector256<float> n)
    {
        var exponent = ToInt32(n);
        var half = exponent >> 1;
        var bias = Vector256.Create(127);
        return ((half + bias) << 23).AsSingle() * ((exponent - half + bias) << 23).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> MulAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : a * b + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> Min(Vector256<float> a, Vector256<float> b) => Avx.IsSupported ? Avx.Min(a, b) : Vector256.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Avx.IsSupported ? Avx.Max(a, b) : Vector256.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> RoundToNearest(Vector256<float> x) => Avx.IsSupported ? Avx.RoundToNearestInteger(x) : Vector256.Round(x);

    /// <summary>Whole numbers in int range (after the clamp) to int: the hardware conversion needs no saturation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<int> ToInt32(Vector256<float> wholeNumbers) =>
        Avx.IsSupported ? Avx.ConvertToVector256Int32(wholeNumbers) : Vector256.ConvertToInt32(wholeNumbers);

    /// <summary><paramref name="whenTrue"/> where <paramref name="mask"/> (a comparison) holds, else <paramref name="whenFalse"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> Select(Vector256<float> mask, Vector256<float> whenTrue, Vector256<float> whenFalse) =>
        Avx.IsSupported ? Avx.BlendVariable(whenFalse, whenTrue, mask) : Vector256.ConditionalSelect(mask, whenTrue, whenFalse);

    /// <summary>
    /// The error function on 8 lanes, within 2e-7 of the exact value (the GELU's Φ in a vector loop; the scalar
    /// <see cref="Erf(float)"/>, which GPU kernels also call, was 14 ns per element there): the same two pieces in
    /// float, computed on every lane and selected. Below 0.5, x·Σ cₙx²ⁿ, the Taylor series to x¹³ (the next term is
    /// under 5e-10); above, 1 − t·exp(−x² − 1.26551223 + t·P(t)) with t = 1/(1 + x/2), the Chebyshev fit of erfc
    /// (relative error below 1.2e-7) with <see cref="Exp(Vector256{float})"/>. ±∞ give ±1, NaN stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Erf(Vector256<float> x)
    {
        var z = Vector256.Abs(x);
        var zz = z * z;
        var s = MulAdd(Vector256.Create(1.2055332981789664e-4f), zz, Vector256.Create(-8.548327023450853e-4f));
        s = MulAdd(s, zz, Vector256.Create(5.223977625442188e-3f));
        s = MulAdd(s, zz, Vector256.Create(-2.6866170645131252e-2f));
        s = MulAdd(s, zz, Vector256.Create(0.11283791670955126f));
        s = MulAdd(s, zz, Vector256.Create(-0.37612638903183754f));
        s = MulAdd(s, zz, Vector256.Create(1.1283791670955126f));
        var series = z * s;
        var t = Vector256<float>.One / MulAdd(Vector256.Create(0.5f), z, Vector256<float>.One);
        var p = MulAdd(Vector256.Create(0.17087277f), t, Vector256.Create(-0.82215223f));
        p = MulAdd(p, t, Vector256.Create(1.48851587f));
        p = MulAdd(p, t, Vector256.Create(-1.13520398f));
        p = MulAdd(p, t, Vector256.Create(0.27886807f));
        p = MulAdd(p, t, Vector256.Create(-0.18628806f));
        p = MulAdd(p, t, Vector256.Create(0.09678418f));
        p = MulAdd(p, t, Vector256.Create(0.37409196f));
        p = MulAdd(p, t, Vector256.Create(1.00002368f));
        var erfc = t * Exp(MulAdd(p, t, Vector256.Create(-1.26551223f)) - zz);
        var magnitude = Select(Vector256.LessThan(z, Vector256.Create(0.5f)), series, Vector256<float>.One - erfc);
        return magnitude | (x & Vector256.Create(-0f));   // erf(−x) = −erf(x)
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
