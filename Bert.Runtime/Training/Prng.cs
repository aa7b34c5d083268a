namespace Bert.Runtime.Training;

/// <summary>
/// xoshiro256** seeded through SplitMix64. Its output depends only on (seed, stream), so the same seed gives the
/// same data bit for bit on every machine and .NET version (System.Random promises neither). Independent streams
/// let parallel workers draw per-item numbers without depending on how work is split between threads.
/// </summary>
public struct Prng
{
    ulong s0, s1, s2, s3;

    public Prng(ulong seed, ulong stream = 0)
    {
        ulong x = Mix(seed) ^ Mix(stream + 0x632BE59BD9B4E019UL);
        s0 = Step(ref x); s1 = Step(ref x); s2 = Step(ref x); s3 = Step(ref x);
    }

    /// <summary>A stream id for item <paramref name="index"/> of phase <paramref name="kind"/> in one epoch.</summary>
    public static ulong Stream(StreamKind kind, int epoch, long index) =>
        ((ulong)kind << 56) ^ ((ulong)(uint)epoch << 32) ^ (ulong)index;

    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, n) without modulo bias (Lemire's multiply-and-reject).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "must be positive");
        ulong m = (NextUInt64() >> 32) * (ulong)n;
        if ((uint)m < (uint)n)
        {
            uint threshold = (uint)-n % (uint)n;
            while ((uint)m < threshold) m = (NextUInt64() >> 32) * (ulong)n;
        }
        return (int)(m >> 32);
    }

    /// <summary>Fisher–Yates shuffle.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    static ulong Step(ref ulong x) => Mix(x += 0x9E3779B97F4A7C15UL);

    /// <summary>SplitMix64's finalizer: a bijective, well-mixing 64-bit hash (also used to derive seeds).</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>The random decisions of the data pipeline, each drawn from its own streams.</summary>
public enum StreamKind : byte
{
    ParagraphShuffle = 1,
    NextSentence = 2,
    Masking = 3,
    EpochShuffle = 4,
}
