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
/// and the GPU kernels can reproduce the CPU's values exactly.
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

    /// <summary>
    /// A uniform float in [0, 1) for element <paramref name="counter"/>: the top 24 bits of word counter mod 4 of the
    /// block at counter / 4 (exactly representable, never 1). Four consecutive elements share one Philox evaluation,
    /// as in cuRAND's and PyTorch's fused dropout, so a dropout mask costs a quarter of the rounds.
    /// </summary>
    public static float Uniform(ulong seed, ulong counter)
    {
        var block = Next(seed, counter >> 2);
        uint word = (counter & 3) switch { 0 => block.X0, 1 => block.X1, 2 => block.X2, _ => block.X3 };
        return (word >> 8) * TwoPow24Inverse;
    }

    /// <summary>
    /// <see cref="Uniform"/> at the 8 counters <paramref name="counter"/> … <paramref name="counter"/> + 7, as vector
    /// lanes (the vectorized dropout loops of the CPU kernels): the same values. A counter that is a multiple of 4
    /// (every dropout row whose length is) takes two Philox blocks evaluated side by side in one vector.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Uniform8(ulong seed, ulong counter)
    {
        return ToUniforms(Avx2.IsSupported && (counter & 3) == 0 ? TwoBlocks(seed, counter >> 2) : Words8(seed, counter));
    }

    /// <summary>
    /// <see cref="Uniform"/> at the 16 counters <paramref name="counter"/> … <paramref name="counter"/> + 15, as one
    /// 512-bit vector (the C# kernels' dropout loops at <see cref="Lanes512"/>): the same values as two
    /// <see cref="Uniform8"/> calls. The ten rounds are a chain of dependent steps, so one evaluation of four blocks side
    /// by side (one AVX-512 vector) yields twice the numbers in the time one of two blocks takes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Uniform16(ulong seed, ulong counter)
    {
        if ((counter & 3) != 0 || !Avx512F.IsSupported) return Vector512.Create(Uniform8(seed, counter), Uniform8(seed, counter + 8));
        var words = FourBlocks(seed, counter >> 2);
        return Vector512.ConvertToSingle((words >> 8).AsInt32()) * Vector512.Create(TwoPow24Inverse);
    }

    /// <summary>The top 24 bits of each word, as a float in [0, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> ToUniforms(Vector256<uint> words) =>
        Vector256.ConvertToSingle((words >> 8).AsInt32()) * Vector256.Create(TwoPow24Inverse);

    /// <summary>Words counter mod 4 … counter mod 4 + 7 of the three blocks 8 unaligned counters fall in (or without AVX2).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    static unsafe Vector256<uint> Words8(ulong seed, ulong counter)
    {
        var words = stackalloc uint[16];
        for (int b = 0; b < 3; b++)
        {
            var block = Next(seed, (counter >> 2) + (ulong)b);
            (words[4 * b], words[4 * b + 1], words[4 * b + 2], words[4 * b + 3]) = (block.X0, block.X1, block.X2, block.X3);
        }
        return Vector256.Load(words + (counter & 3));
    }

    /// <summary>
    /// The 8 words of the blocks at <paramref name="block"/> and <paramref name="block"/> + 1, in order. Each pair of
    /// 64-bit lanes holds one block: its multiplied words (c0, c2) in <c>x</c>, the others (c1, c3) in <c>y</c>, so a
    /// round is one 32×32→64 multiply of all four products, two in-lane shuffles that swap each pair and pick the
    /// products' high and low words, and one three-way xor. The odd 32-bit words are don't-cares: the multiply
    /// reads only the even ones, and the final blend takes the even words of x and y.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<uint> TwoBlocks(ulong seed, ulong block)
    {
        var (x, y) = Counters(block);
        var key = Key(seed);
        // Ten rounds written out: a loop's exit branch would stall each call on the previous one's chain.
        Round(ref x, ref y, ref key); Round(ref x, ref y, ref key); Round(ref x, ref y, ref key); Round(ref x, ref y, ref key);
        Round(ref x, ref y, ref key); Round(ref x, ref y, ref key); Round(ref x, ref y, ref key); Round(ref x, ref y, ref key);
        Round(ref x, ref y, ref key); Round(ref x, ref y, ref key);
        return Words(x, y);
    }

    /// <summary>The counters of blocks <paramref name="block"/> and + 1: (c0, c2 = 0) of each in x, (c1, c3 = 0) in y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static (Vector256<ulong> X, Vector256<ulong> Y) Counters(ulong block)
    {
        var counters = Vector256.Create(block) + Vector256.Create(0ul, 0, 1, 1);          // block, block, block + 1, block + 1
        var evenLanes = Vector256.Create((ulong)uint.MaxValue, 0, uint.MaxValue, 0);
        return (counters & evenLanes, (counters >> 32) & evenLanes);
    }

    /// <summary>The key's words where a round xors them in: k0, _, k1, _ in each block's half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<uint> Key(ulong seed) => Avx2.Shuffle(Vector256.Create(seed).AsUInt32(), 0b00_01_00_00);

    /// <summary>The two blocks' words in order: the even words of x and y, interleaved.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<uint> Words(Vector256<ulong> x, Vector256<ulong> y) => Avx2.Blend(x.AsUInt32(), (y << 32).AsUInt32(), 0b10101010);

    /// <summary>The 16 words of the blocks at <paramref name="block"/> … <paramref name="block"/> + 3: <see cref="TwoBlocks"/> on 512 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<uint> FourBlocks(ulong seed, ulong block)
    {
        var counters = Vector512.Create(block) + Vector512.Create(0ul, 0, 1, 1, 2, 2, 3, 3);
        var evenLanes = Vector512.Create((ulong)uint.MaxValue, 0, uint.MaxValue, 0, uint.MaxValue, 0, uint.MaxValue, 0);
        var x = counters & evenLanes;
        var y = (counters >> 32) & evenLanes;
        var key = Avx512F.Shuffle(Vector512.Create(seed).AsUInt32(), 0b00_01_00_00);
        Round(ref x, ref y, ref key); Round(ref x, ref y, ref key); Round(ref x, ref y, ref key); Round(ref x, ref y, ref key);
        Round(ref x, ref y, ref key); Round(ref x, ref y, ref key); Round(ref x, ref y, ref key); Round(ref x, ref y, ref key);
        Round(ref x, ref y, ref key); Round(ref x, ref y, ref key);
        var oddWords = Vector512.Create(0u, ~0u, 0, ~0u, 0, ~0u, 0, ~0u, 0, ~0u, 0, ~0u, 0, ~0u, 0, ~0u);
        return Vector512.ConditionalSelect(oddWords, (y << 32).AsUInt32(), x.AsUInt32());
    }

    /// <summary><see cref="Round"/> on four blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Round(ref Vector512<ulong> x, ref Vector512<ulong> y, ref Vector512<uint> key)
    {
        var products = Avx512F.Multiply(x.AsUInt32(), Vector512.Create(M0, 0, M1, 0, M0, 0, M1, 0, M0, 0, M1, 0, M0, 0, M1, 0)).AsUInt32();
        x = (Avx512F.Shuffle(products, 0b00_01_00_11) ^ y.AsUInt32() ^ key).AsUInt64();
        y = Avx512F.Shuffle(products, 0b00_00_00_10).AsUInt64();
        key += Vector512.Create(W0, 0, W1, 0, W0, 0, W1, 0, W0, 0, W1, 0, W0, 0, W1, 0);
    }

    /// <summary>
    /// One round on two blocks: (p0, p1) = (M0·c0, M1·c2); c0' = hi(p1) ^ c1 ^ k0, c1' = lo(p1), c2' = hi(p0) ^ c3 ^ k1,
    /// c3' = lo(p0); then the key steps by the Weyl constants.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Round(ref Vector256<ulong> x, ref Vector256<ulong> y, ref Vector256<uint> key)
    {
        var products = Avx2.Multiply(x.AsUInt32(), Vector256.Create(M0, 0, M1, 0, M0, 0, M1, 0)).AsUInt32(); // lo(p0), hi(p0), lo(p1), hi(p1)
        x = (Avx2.Shuffle(products, 0b00_01_00_11) ^ y.AsUInt32() ^ key).AsUInt64();                       // hi(p1), _, hi(p0), _
        y = Avx2.Shuffle(products, 0b00_00_00_10).AsUInt64();                                              // lo(p1), _, lo(p0), _
        key += Vector256.Create(W0, 0, W1, 0, W0, 0, W1, 0);
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
