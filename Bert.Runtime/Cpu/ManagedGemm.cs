using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bert.Runtime.Cpu;

/// <summary>
/// Managed row-major SGEMM, C = alpha·op(A)·op(B) + beta·C, organised like BLIS/GotoBLAS: op(B) is packed
/// in KC×NC blocks (kept in L3) of NR-wide column strips, op(A) in MC×KC blocks (kept in L2) of MR-tall row
/// strips, and a 6×16 register-tile micro-kernel (12 Vector256 accumulators, FMA) walks one strip pair
/// (in L1). Tiles of C are spread over <see cref="ParallelRows"/>.
/// </summary>
internal static unsafe class ManagedGemm
{
    const int MR = 6, NR = 16;
    const int KC = 256, MC = 120, NC = 4096;

    [ThreadStatic] static float[]? packedA;
    [ThreadStatic] static float[]? packedB;

    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc)
    {
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }
        for (int jc = 0; jc < n; jc += NC)
        {
            int nc = Math.Min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC)
            {
                int kc = Math.Min(KC, k - pc);
                float* bPack = Buffer(ref packedB, kc * RoundUp(nc, NR));
                PackB(transB, b, ldb, pc, jc, kc, nc, bPack);
                var block = new Block(transA, a, lda, m, pc, kc, jc, nc, bPack, alpha, pc == 0 ? beta : 1f, c, ldc);
                if (block.TileCount == 1) block.RunTiles(0, 1);
                else ParallelRows.For(block.TileCount, 1, block.RunTiles);
            }
        }
    }

    /// <summary>
    /// One packed KC×NC block of op(B) against all rows of op(A): cut into MC-row blocks, and the NC columns
    /// into groups when there are too few row blocks to keep every thread busy.
    /// </summary>
    sealed class Block(bool transA, float* a, int lda, int m, int pc, int kc, int jc, int nc, float* bPack,
        float alpha, float beta, float* c, int ldc)
    {
        readonly int rowBlocks = (m + MC - 1) / MC;
        readonly int columnGroups = ColumnGroups(m, nc);

        public int TileCount => rowBlocks * columnGroups;

        static int ColumnGroups(int m, int nc)
        {
            int rowBlocks = (m + MC - 1) / MC, strips = (nc + NR - 1) / NR;
            int wanted = (2 * ParallelRows.ThreadCount + rowBlocks - 1) / rowBlocks;
            return Math.Clamp(wanted, 1, strips);
        }

        public void RunTiles(int start, int end)
        {
            int strips = (nc + NR - 1) / NR;
            for (int tile = start; tile < end; tile++)
            {
                int ic = tile / columnGroups * MC, group = tile % columnGroups;
                int mc = Math.Min(MC, m - ic);
                int firstStrip = strips * group / columnGroups, endStrip = strips * (group + 1) / columnGroups;
                float* aPack = Buffer(ref packedA, RoundUp(mc, MR) * kc);
                PackA(transA, a, lda, ic, pc, mc, kc, aPack);
                for (int s = firstStrip; s < endStrip; s++)
                {
                    int jr = s * NR, nr = Math.Min(NR, nc - jr);
                    float* bStrip = bPack + (long)s * NR * kc;
                    for (int ir = 0; ir < mc; ir += MR)
                    {
                        int mr = Math.Min(MR, mc - ir);
                        float* cTile = c + (long)(ic + ir) * ldc + jc + jr;
                        if (mr == MR && nr == NR) Kernel(kc, aPack + ir * kc, bStrip, cTile, ldc, alpha, beta);
                        else EdgeTile(kc, aPack + ir * kc, bStrip, cTile, ldc, mr, nr, alpha, beta);
                    }
                }
            }
        }
    }

    /// <summary>The 6×16 micro-kernel: acc = Σp a[p,0..6)ᵀ·b[p,0..16), then C = alpha·acc + beta·C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Kernel(int kc, float* ap, float* bp, float* c, int ldc, float alpha, float beta)
    {
        PrefetchTile(c, ldc);
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(bp);
            var b1 = Vector256.Load(bp + 8);
            var av = Vector256.Create(ap[0]);
            c00 = MulAdd(av, b0, c00); c01 = MulAdd(av, b1, c01);
            av = Vector256.Create(ap[1]);
            c10 = MulAdd(av, b0, c10); c11 = MulAdd(av, b1, c11);
            av = Vector256.Create(ap[2]);
            c20 = MulAdd(av, b0, c20); c21 = MulAdd(av, b1, c21);
            av = Vector256.Create(ap[3]);
            c30 = MulAdd(av, b0, c30); c31 = MulAdd(av, b1, c31);
            av = Vector256.Create(ap[4]);
            c40 = MulAdd(av, b0, c40); c41 = MulAdd(av, b1, c41);
            av = Vector256.Create(ap[5]);
            c50 = MulAdd(av, b0, c50); c51 = MulAdd(av, b1, c51);
            ap += MR;
            bp += NR;
        }
        var alphaV = Vector256.Create(alpha);
        if (beta == 0f)
        {
            (c00 * alphaV).Store(c); (c01 * alphaV).Store(c + 8); c += ldc;
            (c10 * alphaV).Store(c); (c11 * alphaV).Store(c + 8); c += ldc;
            (c20 * alphaV).Store(c); (c21 * alphaV).Store(c + 8); c += ldc;
            (c30 * alphaV).Store(c); (c31 * alphaV).Store(c + 8); c += ldc;
            (c40 * alphaV).Store(c); (c41 * alphaV).Store(c + 8); c += ldc;
            (c50 * alphaV).Store(c); (c51 * alphaV).Store(c + 8);
            return;
        }
        var betaV = Vector256.Create(beta);
        StoreRow(c, c00, c01, alphaV, betaV); c += ldc;
        StoreRow(c, c10, c11, alphaV, betaV); c += ldc;
        StoreRow(c, c20, c21, alphaV, betaV); c += ldc;
        StoreRow(c, c30, c31, alphaV, betaV); c += ldc;
        StoreRow(c, c40, c41, alphaV, betaV); c += ldc;
        StoreRow(c, c50, c51, alphaV, betaV);
    }

    /// <summary>Starts loading the C tile while the k loop runs, so the final read-modify-write finds it in cache.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void PrefetchTile(float* c, int ldc)
    {
        if (!Sse.IsSupported) return;
        for (int r = 0; r < MR; r++, c += ldc)
        {
            Sse.Prefetch0(c);
            Sse.Prefetch0(c + NR - 1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void StoreRow(float* c, Vector256<float> lo, Vector256<float> hi, Vector256<float> alpha, Vector256<float> beta)
    {
        MulAdd(alpha, lo, beta * Vector256.Load(c)).Store(c);
        MulAdd(alpha, hi, beta * Vector256.Load(c + 8)).Store(c + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> MulAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : a * b + c;

    /// <summary>A partial tile at the right or bottom edge: run the full kernel into a scratch tile, copy the valid part.</summary>
    static void EdgeTile(int kc, float* ap, float* bp, float* c, int ldc, int mr, int nr, float alpha, float beta)
    {
        float* tile = stackalloc float[MR * NR];
        Kernel(kc, ap, bp, tile, NR, alpha, 0f);
        for (int i = 0; i < mr; i++)
        {
            float* row = c + (long)i * ldc;
            for (int j = 0; j < nr; j++) row[j] = beta == 0f ? tile[i * NR + j] : tile[i * NR + j] + beta * row[j];
        }
    }

    /// <summary>Packs op(A)[ic..ic+mc, pc..pc+kc) as MR-row strips, each stored k-major (MR values per k), zero-padded.</summary>
    static void PackA(bool transA, float* a, int lda, int ic, int pc, int mc, int kc, float* dst)
    {
        if (transA)
        {
            // op(A)[i,p] = a[p·lda + i]: row p of A as stored holds the values of every strip at that k.
            for (int p = 0; p < kc; p++)
            {
                float* src = a + (long)(pc + p) * lda + ic;
                for (int ir = 0; ir < mc; ir += MR)
                {
                    float* strip = dst + ir * kc + p * MR;
                    int mr = Math.Min(MR, mc - ir);
                    for (int r = 0; r < MR; r++) strip[r] = r < mr ? src[ir + r] : 0f;
                }
            }
            return;
        }
        // op(A)[i,p] = a[i·lda + p]: walk each row along k.
        for (int ir = 0; ir < mc; ir += MR, dst += MR * kc)
        {
            int mr = Math.Min(MR, mc - ir);
            for (int r = 0; r < MR; r++)
            {
                float* src = a + (long)(ic + ir + r) * lda + pc;
                if (r < mr) for (int p = 0; p < kc; p++) dst[p * MR + r] = src[p];
                else for (int p = 0; p < kc; p++) dst[p * MR + r] = 0f;
            }
        }
    }

    /// <summary>Packs op(B)[pc..pc+kc, jc..jc+nc) as NR-column strips, each stored k-major (NR values per k), zero-padded.</summary>
    static void PackB(bool transB, float* b, int ldb, int pc, int jc, int kc, int nc, float* dst)
    {
        if (transB)
        {
            // op(B)[p,j] = b[j·ldb + p]: walk each row of B as stored along k.
            for (int jr = 0; jr < nc; jr += NR, dst += NR * kc)
            {
                int nr = Math.Min(NR, nc - jr);
                for (int j = 0; j < NR; j++)
                {
                    float* src = b + (long)(jc + jr + j) * ldb + pc;
                    if (j < nr) for (int p = 0; p < kc; p++) dst[p * NR + j] = src[p];
                    else for (int p = 0; p < kc; p++) dst[p * NR + j] = 0f;
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
                Vector256.Load(src + s * NR).Store(row + (long)s * NR * kc);
                Vector256.Load(src + s * NR + 8).Store(row + (long)s * NR * kc + 8);
            }
            if (tail > 0)
            {
                float* strip = row + (long)fullStrips * NR * kc;
                for (int j = 0; j < NR; j++) strip[j] = j < tail ? src[fullStrips * NR + j] : 0f;
            }
        }
    }

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
    static float* Buffer(ref float[]? buffer, int floats)
    {
        if (buffer is null || buffer.Length < floats) buffer = GC.AllocateUninitializedArray<float>(floats, pinned: true);
        return (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
    }
}
