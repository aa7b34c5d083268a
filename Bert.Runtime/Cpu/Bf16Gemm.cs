using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Bert.Runtime.Cpu;

/// <summary>
/// The single-threaded GEMM with bf16 operands (<c>--precision bf16</c> on the CPU): op(A) and op(B) rounded to bf16
/// (<see cref="Bf16.FromFloats"/>) a slice of <see cref="KChunk"/> of the inner dimension at a time, into this thread's
/// buffers (so a slice is still in cache when it is multiplied, and the buffers stay small), multiplied by oneDNN on
/// the CPU's AVX512_BF16 dot products, accumulated in fp32 into fp32 C. It has the fp32 backends' call shape, so
/// <see cref="ThreadedGemm"/> spreads it over the thread pool as it does them.
/// </summary>
internal static unsafe class Bf16Gemm
{
    /// <summary>The inner dimension's slice: its products are long enough for oneDNN's kernels, its operands fit in cache.</summary>
    const int KChunk = 1024;

    [ThreadStatic] static ushort[]? aBits, bBits;

    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc)
    {
        for (int p = 0; p < k; p += KChunk)
        {
            int kc = Math.Min(KChunk, k - p);
            // op(A)[:, p..p+kc) and op(B)[p..p+kc, :] as stored (A: m×k, or k×m transposed; B: k×n, or n×k transposed).
            ushort* a16 = Buffer(ref aBits, (long)m * kc), b16 = Buffer(ref bBits, (long)kc * n);
            if (transA) Bf16.FromFloats(a + (long)p * lda, kc, m, lda, a16);
            else Bf16.FromFloats(a + p, m, kc, lda, a16);
            if (transB) Bf16.FromFloats(b + p, n, kc, ldb, b16);
            else Bf16.FromFloats(b + (long)p * ldb, kc, n, ldb, b16);
            OneDnn.GemmBf16(transA, transB, m, n, kc, alpha, a16, transA ? m : kc, b16, transB ? kc : n, p == 0 ? beta : 1f, c, ldc);
        }
        if (k == 0) ManagedGemm.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);   // C = beta·C
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
