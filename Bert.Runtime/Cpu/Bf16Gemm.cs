using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Bert.Runtime.Cpu;

/// <summary>
/// The single-threaded GEMM with bf16 operands (<c>--precision bf16</c> on the CPU): op(A) and op(B) rounded to bf16
/// (<see cref="Bf16.FromFloats"/>) into this thread's buffers, multiplied by oneDNN on the CPU's AVX512_BF16 dot
/// products, accumulated in fp32 into fp32 C. The operands are converted a block at a time (so a block is still in
/// cache when it is multiplied, and the buffers stay small), cut so that every block is whole stored rows, which
/// stream: A as stored (m×k) in blocks of rows of C with all of op(B) converted once; A stored transposed (k×m) in
/// slices of the inner dimension. It has the fp32 backends' call shape, so <see cref="ThreadedGemm"/> spreads it over
/// the thread pool as it does them.
/// </summary>
internal static unsafe class Bf16Gemm
{
    /// <summary>About this many bf16 values of A per block: 2 MiB, in cache while it is multiplied.</summary>
    const int BlockValues = 1 << 20;

    [ThreadStatic] static ushort[]? aBits, bBits;

    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc)
    {
        if (k == 0)
        {
            ManagedGemm.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);   // C = beta·C
            return;
        }
        if (!transA)
        {
            // Rows of A are rows of C: all of op(B) once, then blocks of whole rows of A.
            ushort* b16 = Buffer(ref bBits, (long)k * n);
            FromOperand(transB, b, k, n, ldb, b16);
            int rows = Math.Max(1, Math.Min(m, BlockValues / k));
            for (int i = 0; i < m; i += rows)
            {
                int mr = Math.Min(rows, m - i);
                ushort* a16 = Buffer(ref aBits, (long)mr * k);
                Bf16.FromFloats(a + (long)i * lda, mr, k, lda, a16);
                OneDnn.GemmBf16(false, transB, mr, n, k, alpha, a16, k, b16, transB ? k : n, beta, c + (long)i * ldc, ldc);
            }
            return;
        }
        // A stored k×m: slices of the inner dimension are whole rows of A (and of op(B) as stored k×n).
        int slice = Math.Max(1, Math.Min(k, BlockValues / m));
        for (int p = 0; p < k; p += slice)
        {
            int kc = Math.Min(slice, k - p);
            ushort* a16 = Buffer(ref aBits, (long)kc * m), b16 = Buffer(ref bBits, (long)kc * n);
            Bf16.FromFloats(a + (long)p * lda, kc, m, lda, a16);
            FromOperand(transB, transB ? b + p : b + (long)p * ldb, kc, n, ldb, b16);
            OneDnn.GemmBf16(true, transB, m, n, kc, alpha, a16, m, b16, transB ? kc : n, p == 0 ? beta : 1f, c, ldc);
        }
    }

    /// <summary>op(B) (k×n) as stored: k rows of n, or n rows of k when transposed.</summary>
    static void FromOperand(bool transposed, float* b, int k, int n, int ldb, ushort* destination)
    {
        if (transposed) Bf16.FromFloats(b, n, k, ldb, destination);
        else Bf16.FromFloats(b, k, n, ldb, destination);
    }

    /// <summary>Why this machine cannot multiply bf16 operands, or null when it can.</summary>
    public static string? Unavailable => Why(CpuHasBf16, OneDnn.IsAvailable);

    internal static string? Why(bool cpuHasBf16, bool libraryLoads) =>
        !cpuHasBf16 ? "this CPU has no AVX512_BF16 instructions (Intel Cooper Lake and Sapphire Rapids, AMD Zen 4 and later have them); use --precision fp32."
        : !libraryLoads ? "bf16 GEMMs on the CPU need oneDNN (libdnnl.so.2) and OpenMP (libgomp.so.1): run scripts/setup, which installs Debian's libdnnl2."
        : null;

    /// <summary>CPUID leaf 7, sub-leaf 1, EAX bit 5: AVX512_BF16.</summary>
    internal static bool CpuHasBf16 => X86Base.IsSupported && X86Base.CpuId(7, 0).Eax >= 1 && (X86Base.CpuId(7, 1).Eax & (1 << 5)) != 0;

    static ushort* Buffer(ref ushort[]? buffer, long count)
    {
        if (buffer is null || buffer.LongLength < count) buffer = GC.AllocateUninitializedArray<ushort>(checked((int)Math.Max(count, 1)), pinned: true);
        return (ushort*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
    }
}
