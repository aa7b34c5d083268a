namespace Bert.Runtime.Cpu;

/// <summary>
/// Row-major single-precision GEMM for the CPU kernels: C[m×n] = alpha·op(A)·op(B) + beta·C, where op(A) is
/// m×k and op(B) is k×n. Runs on OpenBLAS when libopenblas.so.0 is installed, else on
/// <see cref="ManagedGemm"/>; <c>BERT_BLAS=managed</c> forces the managed backend.
/// </summary>
public static unsafe class Blas
{
    static bool? useOpenBlas;

    // Chosen on first use (not in a static constructor, so a bad BERT_BLAS surfaces as its own exception).
    static bool UseOpenBlas => useOpenBlas ??= ChooseOpenBlas();

    static GemmFunction Function => UseOpenBlas ? GemmFunction.OpenBlas : GemmFunction.Managed;

    /// <summary>"openblas" or "managed".</summary>
    public static string Backend => UseOpenBlas ? "openblas" : "managed";

    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc)
    {
        GemmArguments.Check(transA, transB, m, n, k, lda, ldb, ldc);
        ThreadedGemm.Run(Function, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary>
    /// <paramref name="batchCount"/> independent GEMMs; matrix i starts at a + i·strideA, b + i·strideB, c + i·strideC.
    /// </summary>
    public static void SgemmStridedBatched(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, long strideA, float* b, int ldb, long strideB, float beta, float* c, int ldc, long strideC,
        int batchCount)
    {
        GemmArguments.Check(transA, transB, m, n, k, lda, ldb, ldc);
        ArgumentOutOfRangeException.ThrowIfNegative(batchCount);
        BatchedGemm.Run(Function, transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batchCount);
    }

    static bool ChooseOpenBlas()
    {
        string? choice = Environment.GetEnvironmentVariable("BERT_BLAS");
        if (string.Equals(choice, "managed", StringComparison.OrdinalIgnoreCase)) return false;
        if (string.Equals(choice, "openblas", StringComparison.OrdinalIgnoreCase) && !OpenBlas.IsAvailable)
            throw new InvalidOperationException("BERT_BLAS=openblas but libopenblas.so.0 could not be loaded: run scripts/setup (installs libopenblas0-pthread).");
        if (!string.IsNullOrEmpty(choice) && !string.Equals(choice, "openblas", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"BERT_BLAS must be 'openblas' or 'managed', got '{choice}'.");
        return OpenBlas.IsAvailable;
    }
}
