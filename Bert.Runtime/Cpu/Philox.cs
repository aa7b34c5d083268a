using System.Runtime.CompilerServices;

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

    /// <summary>A standard normal float (Box–Muller over the first two words).</summary>
    public static float Normal(ulong seed, ulong counter)
    {
        var block = Next(seed, counter);
        double u1 = ((block.X0 >> 8) + 1) * (double)TwoPow24Inverse; // (0, 1]: the log stays finite
        double u2 = (block.X1 >> 8) * (double)TwoPow24Inverse;
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }
}
