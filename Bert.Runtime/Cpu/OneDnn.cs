using System.Runtime.InteropServices;

namespace Bert.Runtime.Cpu;

/// <summary>
/// oneDNN's row-major bf16 GEMM, <c>dnnl_gemm_bf16bf16f32</c> (libdnnl.so.2, Debian's libdnnl2): bf16 operands, fp32
/// accumulation and output, on the AVX512_BF16 dot-product instructions where the CPU has them. Optional like OpenBLAS:
/// <see cref="IsAvailable"/> probes it once. It runs on one OpenMP thread per call (<see cref="Bf16Gemm"/> sets it), as
/// OpenBLAS runs single-threaded here: <see cref="ThreadedGemm"/> spreads a product over the one thread pool.
/// </summary>
internal static unsafe partial class OneDnn
{
    const string Library = "libdnnl.so.2", OpenMp = "libgomp.so.1";

    /// <summary>True when libdnnl.so.2 loads and exports the bf16 GEMM.</summary>
    public static bool IsAvailable { get; } = Probe();

    static bool Probe() =>
        NativeLibrary.TryLoad(Library, out nint handle) && NativeLibrary.TryGetExport(handle, "dnnl_gemm_bf16bf16f32", out _)
        && NativeLibrary.TryLoad(OpenMp, out nint openMp) && NativeLibrary.TryGetExport(openMp, "omp_set_num_threads", out _);

    /// <summary>C = alpha·op(A)·op(B) + beta·C with bf16 A and B (raw bits), on the calling thread alone.</summary>
    public static void GemmBf16(bool transA, bool transB, int m, int n, int k, float alpha, ushort* a, long lda,
        ushort* b, long ldb, float beta, float* c, long ldc)
    {
        omp_set_num_threads(1);
        int status = dnnl_gemm_bf16bf16f32(transA ? (sbyte)'T' : (sbyte)'N', transB ? (sbyte)'T' : (sbyte)'N', m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        if (status != 0) throw new InvalidOperationException($"oneDNN's bf16 GEMM failed with status {status} ({m}×{n}×{k}).");
    }

    [LibraryImport(Library)]
    private static partial int dnnl_gemm_bf16bf16f32(sbyte transA, sbyte transB, long m, long n, long k, float alpha,
        ushort* a, long lda, ushort* b, long ldb, float beta, float* c, long ldc);

    [LibraryImport(OpenMp)]
    private static partial void omp_set_num_threads(int threads);
}
