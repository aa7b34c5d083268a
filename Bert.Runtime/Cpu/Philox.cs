using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bert.Runtime.Cpu;

/// <summary>The four 32-bit words one Philox4x32 evaluation produces.</summary>
public readonly record struct PhiloxBlock(uint X0, uint X1, uint X2, uint X3);

/// <summary>
/// Philox4x32-10 (Salmon et al., "Parallel Random Numbers: As Easy as 1, 2, 3", SC11): a counter-based RNG,
/// a pure function of (key, counter). Every random value in training (initialisation, dropout masks, data
/// masking) is addressed by its own counter, so results do not depend on thread count or execution order,
/// and the CUDA kernels can reproduce the CPU's values exactly.
/// </summary>
public static class Philox
{
    const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57;
    const uint W0 = 0x9E3779B9, W1 = 0xBB67AE85;
    const float TwoPow24Inverse = 1f / (1 << 24);

    /// <summary>Philox4x32-10 of the 128-bit counter (c0..c3) under the 64-bit key (k0, k1).</summary>
    public static PhiloxBlock Next(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        for (int round = 0; round < 10; round++)
        {
            if (round > 0)
            {
                k0 += W0;
                k1 += W1;
            }
            ulong p0 = (ulong)M0 * c0, p1 = (ulong)M1 * c2;
            (c0, c1, c2, c3) = ((uint)(p1 >> 32) ^ c1 ^ k0, (uint)p1, (uint)(p0 >> 32) ^ c3 ^ k1, (uint)p0);
        }
        return new PhiloxBlock(c0, c1, c2, c3);
    }

    /// <summary>Philox4x32-10 with key = (low, high) words of <paramref name="key"/> and counter = (low, high words of <paramref name="counter"/>, 0, 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PhiloxBlock Next(ulong key, ulong counter) =>
        Next((uint)counter, (uint)(counter >> 32), 0, 0, (uint)key, (uint)(key >> 32));

    /// <summary>A uniform float in [0, 1) from the top 24 bits of the first word: exactly representable, never 1.</summary>
    public static float Uniform(ulong seed, ulong counter) => (Next(seed, counter).X0 >> 8) * TwoPow24Inverse;

    /// <summary>
    /// <see cref="Uniform"/> at the 8 counters <paramref name="counter"/> … <paramref name="counter"/> + 7, as vector
    /// lanes (the vectorized dropout loops of the CPU kernels): the same values, 8 Philox evaluations side by side.
    /// </summary>
    public static Vector256<float> Uniform8(ulong seed, ulong counter)
    {
        if (!Avx2.IsSupported) return Vector256.Create(
            Uniform(seed, counter), Uniform(seed, counter + 1), Uniform(seed, counter + 2), Uniform(seed, counter + 3),
            Uniform(seed, counter + 4), Uniform(seed, counter + 5), Uniform(seed, counter + 6), Uniform(seed, counter + 7));
        // 64-bit counters split into words; a lane whose low word wrapped carries into its high word.
        var c0 = Vector256.Create((uint)counter) + Vector256<uint>.Indices;
        var c1 = Vector256.Create((uint)(counter >> 32)) - Vector256.LessThan(c0, Vector256.Create((uint)counter));
        var c2 = Vector256<uint>.Zero;
        var c3 = Vector256<uint>.Zero;
        uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
        for (int round = 0; round < 10; round++)
        {
            if (round > 0)
            {
                k0 += W0;
                k1 += W1;
            }
            var (high0, low0) = MultiplyWide(c0, M0);
            var (high1, low1) = MultiplyWide(c2, M1);
            (c0, c1, c2, c3) = (high1 ^ c1 ^ Vector256.Create(k0), low1, high0 ^ c3 ^ Vector256.Create(k1), low0);
        }
        return Vector256.ConvertToSingle((c0 >> 8).AsInt32()) * Vector256.Create(TwoPow24Inverse);
    }

    /// <summary>The high and low 32-bit words of each lane's 64-bit product with <paramref name="m"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static (Vector256<uint> High, Vector256<uint> Low) MultiplyWide(Vector256<uint> x, uint m)
    {
        var multiplier = Vector256.Create(m);
        var even = Avx2.Multiply(x, multiplier).AsUInt32();                      // lanes 0, 2, 4, 6: (low, high) pairs
        var odd = Avx2.Multiply(Vector256.ShiftRightLogical(x.AsUInt64(), 32).AsUInt32(), multiplier).AsUInt32();
        var high = Avx2.Blend(Vector256.ShiftRightLogical(even.AsUInt64(), 32).AsUInt32(), odd, 0b10101010);
        return (high, x * multiplier);
    }

    /// <summary>A standard normal float (Box–Muller over the first two words).</summary>
    public static float Normal(ulong seed, ulong counter)
    {
        var block = Next(seed, counter);
        double u1 = ((block.X0 >> 8) + 1) * (double)TwoPow24Inverse; // (0, 1]: the log stays finite
        double u2 = (block.X1 >> 8) * (double)TwoPow24Inverse;
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }
}
