namespace Bert.Runtime.Data.Mrpc;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny, fast generator whose output is fixed by its seed on every
/// platform and .NET version, unlike System.Random. Good enough for shuffling; not for cryptography.
/// </summary>
public struct SplitMix64(ulong seed)
{
    const ulong Golden = 0x9E3779B97F4A7C15;
    ulong state = seed;

    /// <summary>A generator for one (seed, stream) combination, e.g. one epoch of a seeded run.</summary>
    public static SplitMix64 ForStream(ulong seed, ulong stream) => new(seed ^ Mix(stream + Golden));

    public ulong Next() => Mix(state += Golden);

    /// <summary>A uniform integer in [0, <paramref name="bound"/>) by Lemire's multiply-high (bias at most bound / 2^64).</summary>
    public int NextInt(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        return (int)Math.BigMul(Next(), (ulong)bound, out _);
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
