using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bert.Runtime.Cpu;

/// <summary>
/// Managed single-threaded row-major SGEMM, C = alpha·op(A)·op(B) + beta·C, organised like BLIS/GotoBLAS:
/// op(B) is packed in KC×NC blocks (kept in L3) of NR-wide column strips, and a 6×NR register-tile micro-kernel
/// (12 vector accumulators, FMA) walks one B strip (in L1) down an MC×KC block of op(A) (in L2). Unlike BLIS, op(A)
/// is read where it lies, six rows at a time through two strides (see <see cref="Strips"/>): the models' products are
/// narrow (n = 128 or 256 columns, so a packed A block would serve only 4–8 B strips) and packing A cost more than it
/// saved — measured on a 2-vCPU Zen 5, one thread: 128×128×32768 weight gradients 121 → 148 GFLOP/s, 8192×128×128
/// projections 161 → 191, 768³ 191 → 194 (a partial last strip: see <see cref="MultiplyBlock"/>).
/// The code is written once over <see cref="IFloatLanes{TSelf}"/>: NR is two vectors, 16 columns with Vector256 and
/// 32 with Vector512 (chosen by <see cref="FloatLanes.Wide"/>). Every element of C is the same chain of multiply-adds
/// over k at either width, so both give the same bits. <see cref="ThreadedGemm"/> spreads a large product over
/// threads, in bands of C or slices of k.
/// </summary>
internal static unsafe class ManagedGemm
{
    const int MR = 6;
    const int KC = 256, MC = 120, NC = 4096;

    [ThreadStatic] static float[]? packedEdge;
    [ThreadStatic] static float[]? packedB;

    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc)
    {
        if (FloatLanes.Wide) Sgemm<Lanes512>(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        else Sgemm<Lanes256>(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary>The product at one vector width (tests run both).</summary>
    internal static void Sgemm<TLanes>(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc) where TLanes : struct, IFloatLanes<TLanes>
    {
        int NR = 2 * TLanes.Count;
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }
        bool stream = Streams<TLanes>(m, n, k, beta, c, ldc);
        for (int jc = 0; jc < n; jc += NC)
        {
            int nc = Math.Min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC)
            {
                int kc = Math.Min(KC, k - pc);
                float* bPack = Buffer(ref packedB, kc * RoundUp(nc, NR));
                PackB<TLanes>(transB, b, ldb, pc, jc, kc, nc, bPack);
                // The first k block applies beta; later ones accumulate onto it.
                float betaBlock = pc == 0 ? beta : 1f;
                for (int ic = 0; ic < m; ic += MC)
                {
                    int mc = Math.Min(MC, m - ic);
                    MultiplyBlock<TLanes>(Strips.Of(transA, a, lda, ic, pc), ic, bPack, mc, nc, kc, alpha, betaBlock, c + (long)ic * ldc + jc, ldc, stream);
                }
            }
        }
        if (stream) Sse.StoreFence();   // streaming stores are weakly ordered: make them visible before returning
    }

    /// <summary>Outputs from this many elements on (64 MiB) are far larger than the caches.</summary>
    const long StreamingOutput = 16L << 20;

    /// <summary>
    /// Whether C is written once (beta 0, a single k block) and is too large to stay in cache for its next reader
    /// (the MLM decoder's logits): then tiles go to memory with streaming stores, which skip reading every line of C
    /// before overwriting it. Needs rows aligned to the vector's size.
    /// </summary>
    static bool Streams<TLanes>(int m, int n, int k, float beta, float* c, int ldc) where TLanes : struct, IFloatLanes<TLanes> =>
        Avx.IsSupported && Sse.IsSupported && beta == 0f && k <= KC && (long)m * n >= StreamingOutput
        && ((nuint)c % (nuint)(TLanes.Count * sizeof(float))) == 0 && ldc % TLanes.Count == 0;

    /// <summary>
    /// Where op(A)'s rows lie: element (i, p) of the block at <see cref="Start"/> + i·<see cref="RowStride"/> +
    /// p·<see cref="KStride"/> (A as stored: strides lda and 1; transposed: 1 and lda; a packed strip: 1 and MR).
    /// </summary>
    readonly struct Strips(float* start, long rowStride, long kStride)
    {
        public readonly float* Start = start;
        public readonly long RowStride = rowStride, KStride = kStride;

        /// <summary>op(A)[ic.., pc..] in place.</summary>
        public static Strips Of(bool transA, float* a, int lda, int ic, int pc) =>
            transA ? new(a + (long)pc * lda + ic, 1, lda) : new(a + (long)ic * lda + pc, lda, 1);

        public Strips From(int row) => new(Start + row * RowStride, RowStride, KStride);
    }

    /// <summary>C[mc×nc] (+)= op(A) block · packed B block, one 6×NR register tile at a time.</summary>
    static void MultiplyBlock<TLanes>(Strips block, int ic, float* bPack, int mc, int nc, int kc, float alpha, float beta, float* c, int ldc, bool stream)
        where TLanes : struct, IFloatLanes<TLanes>
    {
        int NR = 2 * TLanes.Count;
        // A partial last strip: the six rows of op(A) that end with its last (overlapping the strip before, whose
        // rows are not written again), or where op(A) has fewer than six rows, a copy padded with zeros.
        int fullRows = mc - mc % MR, partial = mc - fullRows;
        bool overlaps = ic + mc >= MR;
        var edge = partial == 0 ? default : overlaps ? block.From(mc - MR) : PackEdge(block.From(fullRows), partial, kc);
        int edgeFirstRow = overlaps ? MR - partial : 0;
        for (int jr = 0; jr < nc; jr += NR)
        {
            int nr = Math.Min(NR, nc - jr);
            float* bStrip = bPack + (long)jr * kc;
            for (int ir = 0; ir < mc; ir += MR)
            {
                int mr = Math.Min(MR, mc - ir);
                float* cTile = c + (long)ir * ldc + jr;
                // The first strip brings each tile of op(A) from memory: it prefetches the next tile as it goes.
                float* next = jr == 0 && Sse.IsSupported ? block.From(ir + MR).Start : null;
                if (mr == MR && nr == NR) Kernel<TLanes>(kc, block.From(ir), bStrip, cTile, ldc, alpha, beta, stream, next);
                else if (mr == MR) EdgeTile<TLanes>(kc, block.From(ir), bStrip, cTile, ldc, 0, mr, nr, alpha, beta);
                else EdgeTile<TLanes>(kc, edge, bStrip, cTile, ldc, edgeFirstRow, mr, nr, alpha, beta);
            }
        }
    }

    /// <summary>
    /// The 6×NR micro-kernel: acc = Σp op(A)[0..6, p]·b[p, 0..NR), then C = alpha·acc + beta·C (with beta 0 and
    /// <paramref name="stream"/>, written by streaming stores that bypass the cache). With <paramref name="next"/>, the
    /// start of the next six rows of op(A) (same strides), every k step also prefetches element (p mod 6, p) of them:
    /// a line of each row per 16 steps as stored, all of them when transposed. The decoder's gradients read 415 MB of
    /// logits this way, once: prefetched, 78 → 89 % of the FMA peak (input gradient) and 76 → 84 % (weight
    /// gradient) on the 2-vCPU Zen 5. A prefetch never faults, so the next rows may lie past the matrix.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Kernel<T>(int kc, Strips a, float* bp, float* c, int ldc, float alpha, float beta, bool stream, float* next = null) where T : struct, IFloatLanes<T>
    {
        int w = T.Count, NR = 2 * w;
        if (!stream) PrefetchTile(c, ldc, NR);
        float* ap = a.Start;
        long ks = a.KStride, r1 = a.RowStride, r2 = 2 * r1, r3 = 3 * r1, r4 = 4 * r1, r5 = 5 * r1;
        T c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        T c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        int nextRow = 0;
        for (int p = 0; p < kc; p++)
        {
            if (next != null)
            {
                Sse.Prefetch0(next + nextRow * r1 + p * ks);
                nextRow = nextRow == MR - 1 ? 0 : nextRow + 1;
            }
            var b0 = T.Load(bp);
            var b1 = T.Load(bp + w);
            var av = T.Create(ap[0]);
            c00 = T.MulAdd(av, b0, c00); c01 = T.MulAdd(av, b1, c01);
            av = T.Create(ap[r1]);
            c10 = T.MulAdd(av, b0, c10); c11 = T.MulAdd(av, b1, c11);
            av = T.Create(ap[r2]);
            c20 = T.MulAdd(av, b0, c20); c21 = T.MulAdd(av, b1, c21);
            av = T.Create(ap[r3]);
            c30 = T.MulAdd(av, b0, c30); c31 = T.MulAdd(av, b1, c31);
            av = T.Create(ap[r4]);
            c40 = T.MulAdd(av, b0, c40); c41 = T.MulAdd(av, b1, c41);
            av = T.Create(ap[r5]);
            c50 = T.MulAdd(av, b0, c50); c51 = T.MulAdd(av, b1, c51);
            ap += ks;
            bp += NR;
        }
        var alphaV = T.Create(alpha);
        if (beta == 0f)
        {
            Put(c, c00 * alphaV, stream); Put(c + w, c01 * alphaV, stream); c += ldc;
            Put(c, c10 * alphaV, stream); Put(c + w, c11 * alphaV, stream); c += ldc;
            Put(c, c20 * alphaV, stream); Put(c + w, c21 * alphaV, stream); c += ldc;
            Put(c, c30 * alphaV, stream); Put(c + w, c31 * alphaV, stream); c += ldc;
            Put(c, c40 * alphaV, stream); Put(c + w, c41 * alphaV, stream); c += ldc;
            Put(c, c50 * alphaV, stream); Put(c + w, c51 * alphaV, stream);
            return;
        }
        var betaV = T.Create(beta);
        StoreRow(c, c00, c01, alphaV, betaV); c += ldc;
        StoreRow(c, c10, c11, alphaV, betaV); c += ldc;
        StoreRow(c, c20, c21, alphaV, betaV); c += ldc;
        StoreRow(c, c30, c31, alphaV, betaV); c += ldc;
        StoreRow(c, c40, c41, alphaV, betaV); c += ldc;
        StoreRow(c, c50, c51, alphaV, betaV);
    }

    /// <summary>Starts loading the C tile while the k loop runs, so the final read-modify-write finds it in cache.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void PrefetchTile(float* c, int ldc, int nr)
    {
        if (!Sse.IsSupported) return;
        for (int r = 0; r < MR; r++, c += ldc)
        {
            // Every 64-byte line of the row's nr floats (a row need not start on a line, hence its last float too).
            for (int j = 0; j < nr; j += 16) Sse.Prefetch0(c + j);
            Sse.Prefetch0(c + nr - 1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Put<T>(float* c, T value, bool stream) where T : struct, IFloatLanes<T>
    {
        if (stream) T.StoreNonTemporal(value, c);
        else T.Store(value, c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void StoreRow<T>(float* c, T lo, T hi, T alpha, T beta) where T : struct, IFloatLanes<T>
    {
        T.Store(T.MulAdd(alpha, lo, beta * T.Load(c)), c);
        T.Store(T.MulAdd(alpha, hi, beta * T.Load(c + T.Count)), c + T.Count);
    }

    /// <summary>
    /// A partial tile at the right or bottom edge: run the full kernel into a scratch tile, then finish rows
    /// <paramref name="firstRow"/> .. + <paramref name="mr"/> of it, their first <paramref name="nr"/> columns, into C
    /// with the kernel's own last step (so a tile's bits do not depend on where tiles fall).
    /// </summary>
    static void EdgeTile<TLanes>(int kc, Strips a, float* bp, float* c, int ldc, int firstRow, int mr, int nr, float alpha, float beta)
        where TLanes : struct, IFloatLanes<TLanes>
    {
        int w = TLanes.Count, NR = 2 * w;
        float* tile = stackalloc float[MR * NR];
        Kernel<TLanes>(kc, a, bp, tile, NR, 1f, 0f, stream: false);
        var alphaV = TLanes.Create(alpha);
        var betaV = TLanes.Create(beta);
        for (int i = 0; i < mr; i++)
        {
            float* row = c + (long)i * ldc, acc = tile + (firstRow + i) * NR;
            if (nr == NR && beta == 0f)
            {
                TLanes.Store(TLanes.Load(acc) * alphaV, row);
                TLanes.Store(TLanes.Load(acc + w) * alphaV, row + w);
            }
            else if (nr == NR) StoreRow(row, TLanes.Load(acc), TLanes.Load(acc + w), alphaV, betaV);
            else
                for (int j = 0; j < nr; j++)
                    row[j] = beta == 0f ? acc[j] * alpha : MathF.FusedMultiplyAdd(alpha, acc[j], beta * row[j]);
        }
    }

    /// <summary>Copies the <paramref name="rows"/> (&lt; MR) rows of a partial strip k-major, MR values per k, the missing rows zeros.</summary>
    static Strips PackEdge(Strips rowsOfA, int rows, int kc)
    {
        float* dst = Buffer(ref packedEdge, MR * kc);
        for (int p = 0; p < kc; p++)
            for (int r = 0; r < MR; r++)
                dst[p * MR + r] = r < rows ? rowsOfA.Start[r * rowsOfA.RowStride + p * rowsOfA.KStride] : 0f;
        return new Strips(dst, 1, MR);
    }

    /// <summary>Packs op(B)[pc..pc+kc, jc..jc+nc) as NR-column strips, each stored k-major (NR values per k), zero-padded.</summary>
    static void PackB<TLanes>(bool transB, float* b, int ldb, int pc, int jc, int kc, int nc, float* dst)
        where TLanes : struct, IFloatLanes<TLanes>
    {
        int NR = 2 * TLanes.Count;
        if (transB)
        {
            // op(B)[p,j] = b[j·ldb + p]: transpose 8-wide k slices of each 8-column part of a strip's rows of B (missing rows read as zeros).
            float** rows = stackalloc float*[8];
            for (int jr = 0; jr < nc; jr += NR, dst += NR * kc)
            {
                for (int part = 0; part < NR; part += 8)
                {
                    for (int j = 0; j < 8; j++) rows[j] = jr + part + j < nc ? b + (long)(jc + jr + part + j) * ldb + pc : null;
                    int p = Avx.IsSupported ? Transposed8(rows, kc, dst + part, NR) : 0;
                    for (; p < kc; p++)
                        for (int j = 0; j < 8; j++) dst[p * NR + part + j] = rows[j] is null ? 0f : rows[j][p];
                }
            }
            return;
        }
        // op(B)[p,j] = b[p·ldb + j]: row p of B holds the NR contiguous values of every strip at that k.
        int fullStrips = nc / NR, tail = nc - fullStrips * NR;
        for (int p = 0; p < kc; p++)
        {
            float* src = b + (long)(pc + p) * ldb + jc;
            float* row = dst + p * NR;
            for (int s = 0; s < fullStrips; s++)
            {
                TLanes.Store(TLanes.Load(src + s * NR), row + (long)s * NR * kc);
                TLanes.Store(TLanes.Load(src + s * NR + TLanes.Count), row + (long)s * NR * kc + TLanes.Count);
            }
            if (tail > 0)
            {
                float* strip = row + (long)fullStrips * NR * kc;
                for (int j = 0; j < NR; j++) strip[j] = j < tail ? src[fullStrips * NR + j] : 0f;
            }
        }
    }

    /// <summary>
    /// Writes the transpose of 8 source rows (null rows are zeros), 8 columns at a time, as dst[p·stride + r] for
    /// p below the largest multiple of 8 in <paramref name="length"/>; returns that multiple.
    /// </summary>
    static int Transposed8(float** rows, int length, float* dst, int stride)
    {
        int p = 0;
        for (; p + 8 <= length; p += 8)
        {
            var r0 = Row(rows[0], p); var r1 = Row(rows[1], p); var r2 = Row(rows[2], p); var r3 = Row(rows[3], p);
            var r4 = Row(rows[4], p); var r5 = Row(rows[5], p); var r6 = Row(rows[6], p); var r7 = Row(rows[7], p);
            // Interleave pairs, then quads, then swap 128-bit halves: the classic AVX 8×8 transpose.
            var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
            var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
            var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
            var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
            var s0 = Avx.Shuffle(t0, t2, 0x44); var s1 = Avx.Shuffle(t0, t2, 0xEE);
            var s2 = Avx.Shuffle(t1, t3, 0x44); var s3 = Avx.Shuffle(t1, t3, 0xEE);
            var s4 = Avx.Shuffle(t4, t6, 0x44); var s5 = Avx.Shuffle(t4, t6, 0xEE);
            var s6 = Avx.Shuffle(t5, t7, 0x44); var s7 = Avx.Shuffle(t5, t7, 0xEE);
            float* o = dst + p * stride;
            Avx.Permute2x128(s0, s4, 0x20).Store(o);
            Avx.Permute2x128(s1, s5, 0x20).Store(o + stride);
            Avx.Permute2x128(s2, s6, 0x20).Store(o + 2 * stride);
            Avx.Permute2x128(s3, s7, 0x20).Store(o + 3 * stride);
            Avx.Permute2x128(s0, s4, 0x31).Store(o + 4 * stride);
            Avx.Permute2x128(s1, s5, 0x31).Store(o + 5 * stride);
            Avx.Permute2x128(s2, s6, 0x31).Store(o + 6 * stride);
            Avx.Permute2x128(s3, s7, 0x31).Store(o + 7 * stride);
        }
        return p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> Row(float* row, int p) => row is null ? Vector256<float>.Zero : Vector256.Load(row + p);

    /// <summary>C = beta·C, for k = 0 or alpha = 0 (beta = 0 clears C, NaNs included).</summary>
    static void ScaleC(int m, int n, float beta, float* c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (long)i * ldc, n);
            if (beta == 0f) row.Clear();
            else if (beta != 1f) System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
        }
    }

    static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>This thread's packing buffer, grown to at least <paramref name="floats"/> (pinned, so the pointer stays valid).</summary>
    internal static float* Buffer(ref float[]? buffer, long floats)
    {
        if (buffer is null || buffer.LongLength < floats) buffer = GC.AllocateUninitializedArray<float>(checked((int)floats), pinned: true);
        return (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
    }
}
