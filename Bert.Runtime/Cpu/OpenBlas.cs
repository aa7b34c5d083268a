using System.Runtime.InteropServices;

namespace Bert.Runtime.Cpu;

/// <summary>
/// OpenBLAS's row-major <c>cblas_sgemm</c> (libopenblas.so.0, 32-bit integer interface). The library is
/// optional: <see cref="IsAvailable"/> probes it once, and callers fall back to <see cref="ManagedGemm"/>
/// when it is missing. OpenBLAS runs single-threaded here; <see cref="Blas"/> spreads the work over
/// <see cref="ParallelRows"/> so that one thread pool (sized by BERT_THREADS) does all CPU work and no
/// idle OpenBLAS threads spin against it.
/// </summary>
internal static unsafe partial class OpenBlas
{
    const string Library = "libopenblas.so.0";
    const int RowMajor = 101, NoTrans = 111, Trans = 112;

    /// <summary>True when libopenblas.so.0 loads and exports cblas_sgemm.</summary>
    public static bool IsAvailable { get; } = Probe();

    static bool Probe()
    {
        if (!NativeLibrary.TryLoad(Library, out nint handle)) return false;
        if (!NativeLibrary.TryGetExport(handle, "cblas_sgemm", out _)) return false;
        if (NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out _)) openblas_set_num_threads(1);
        return true;
    }

    /// <summary>The library's build description (for example "OpenBLAS 0.3.21 DYNAMIC_ARCH ... Zen").</summary>
    public static string Config => Marshal.PtrToStringUTF8(openblas_get_config()) ?? "";

    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc) =>
        cblas_sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    [LibraryImport(Library)]
    private static partial void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    [LibraryImport(Library)]
    private static partial void openblas_set_num_threads(int threads);

    [LibraryImport(Library)]
    private static partial nint openblas_get_config();
}
