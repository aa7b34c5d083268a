namespace Bert.Runtime.Cpu;

/// <summary>
/// Row-major single-precision GEMM for the CPU kernels: C[m×n] = alpha·op(A)·op(B) + beta·C, where op(A) is
/// m×k and op(B) is k×n. Runs on OpenBLAS when libopenblas.so.0 is installed, except for products with a short
/// inner dimension and a large C (see <see cref="Function"/>), else on <see cref="ManagedGemm"/>; on AMD CPUs with
/// AVX-512 every product runs on the managed kernel (see <see cref="ManagedIsFasterEverywhere"/>).
/// <c>BERT_BLAS=openblas</c> or <c>BERT_BLAS=managed</c> forces one backend for every product. Within a
/// <see cref="UseBf16Operands"/> scope every product takes bf16 operands instead (<see cref="Bf16Gemm"/>).
/// </summary>
public static unsafe class Blas
{
    /// <summary>Inner dimensions up to this are short: C's memory traffic, not the arithmetic, sets the cost.</summary>
    const int ShortInner = 512;

    /// <summary>Outputs of at least this many elements are large enough for a pass over C to matter.</summary>
    const long LargeOutput = 1 << 16;

    static BackendChoice? choice;

    // Chosen on first use (not in a static constructor, so a bad BERT_BLAS surfaces as its own exception).
    static BackendChoice Choice => choice ??= Choose();

    /// <summary>"openblas+managed" (the default with OpenBLAS installed), "openblas" or "managed" (forced, without OpenBLAS, or <see cref="ManagedIsFasterEverywhere"/>).</summary>
    public static string Backend => Choice switch
    {
        BackendChoice.Mixed => "openblas+managed",
        BackendChoice.OpenBlas => "openblas",
        _ => "managed",
    };

    /// <summary>
    /// OpenBLAS first scales all of C by beta in a pass of its own and then accumulates into it; the managed kernel
    /// applies beta as it writes each tile. For a short inner dimension that extra pass over C is a large share of
    /// the product's cost (measured with `bench gemm` on the tutorial's shapes: the encoder's projections and the MLM
    /// decoder run 1.1–1.5× faster on the managed kernel), so those go to the managed kernel; long products such as
    /// weight gradients (k = tokens) stay on OpenBLAS, which is faster there.
    /// </summary>
    static bool RunsManaged(int m, int n, int k) => Choice switch
    {
        BackendChoice.Managed => true,
        BackendChoice.OpenBlas => false,
        _ => k <= ShortInner && (long)m * n >= LargeOutput,
    };

    static GemmFunction Function(int m, int n, int k) =>
        bf16Operands.Value ? GemmFunction.Bf16 : RunsManaged(m, n, k) ? GemmFunction.Managed : GemmFunction.OpenBlas;

    /// <summary>"bf16", "managed" or "openblas": the backend a product of this shape runs on here.</summary>
    public static string BackendFor(int m, int n, int k) => bf16Operands.Value ? "bf16" : RunsManaged(m, n, k) ? "managed" : "openblas";

    /// <summary>Whether this flow of control's products take bf16 operands (an ambient setting, so parallel callers keep their own).</summary>
    static readonly AsyncLocal<bool> bf16Operands = new();

    /// <summary>Why this machine cannot multiply bf16 operands (no AVX512_BF16, or no oneDNN), or null when it can.</summary>
    public static string? Bf16Unavailable => Bf16Gemm.Unavailable;

    /// <summary>True inside a <see cref="UseBf16Operands"/> scope.</summary>
    public static bool Bf16Operands => bf16Operands.Value;

    /// <summary>
    /// Until the returned scope is disposed, the products this flow of control (this thread and the tasks it starts)
    /// computes take bf16 operands: rounded to bf16, multiplied with fp32 accumulation into fp32 C (<see cref="Bf16Gemm"/>).
    /// Throws <see cref="NotSupportedException"/>, saying why, where the CPU or oneDNN cannot.
    /// </summary>
    public static IDisposable UseBf16Operands()
    {
        if (Bf16Gemm.Unavailable is { } why) throw new NotSupportedException(why);
        bool before = bf16Operands.Value;
        bf16Operands.Value = true;
        return new Restore(before);
    }

    sealed class Restore(bool before) : IDisposable
    {
        public void Dispose() => bf16Operands.Value = before;
    }

    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc)
    {
        GemmArguments.Check(transA, transB, m, n, k, lda, ldb, ldc);
        ThreadedGemm.Run(Function(m, n, k), transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
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
        BatchedGemm.Run(Function(m, n, k), transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batchCount);
    }

    enum BackendChoice { Mixed, OpenBlas, Managed }

    static BackendChoice Choose()
    {
        string? choice = Environment.GetEnvironmentVariable("BERT_BLAS");
        if (string.Equals(choice, "managed", StringComparison.OrdinalIgnoreCase)) return BackendChoice.Managed;
        if (string.Equals(choice, "openblas", StringComparison.OrdinalIgnoreCase) && !OpenBlas.IsAvailable)
            throw new InvalidOperationException("BERT_BLAS=openblas but libopenblas.so.0 could not be loaded: run scripts/setup (installs libopenblas0-pthread).");
        if (!string.IsNullOrEmpty(choice) && !string.Equals(choice, "openblas", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"BERT_BLAS must be 'openblas' or 'managed', got '{choice}'.");
        if (!OpenBlas.IsAvailable) return BackendChoice.Managed;
        if (!string.IsNullOrEmpty(choice)) return BackendChoice.OpenBlas;
        return ManagedIsFasterEverywhere ? BackendChoice.Managed : BackendChoice.Mixed;
    }

    /// <summary>
    /// The per-CPU-family part of the choice. On AMD CPUs with AVX-512 (Zen 4, Zen 5) Debian 12's OpenBLAS 0.3.21 runs
    /// its AVX2 kernels while the managed kernel runs 6×32 tiles of 512-bit vectors: measured side by side on a 2-vCPU
    /// Zen 5 (bench step / finetune / OnnxRuntimeCompare, BERT_BLAS unset against managed), the tutorial step 630 → 535 ms
    /// and 722 → 686 ms, all-MiniLM-L6-v2's forward 476 → 341 ms, its feed-forward output product (k = 1536) 153 → 74 ms.
    /// On Intel (Ice Lake: OpenBLAS has AVX-512 kernels there) the mixed rule stays.
    /// </summary>
    static bool ManagedIsFasterEverywhere =>
        System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.X86Base.IsSupported && IsAmd();

    static bool IsAmd()
    {
        var (_, ebx, ecx, edx) = System.Runtime.Intrinsics.X86.X86Base.CpuId(0, 0);
        Span<int> vendor = [ebx, edx, ecx];
        return System.Text.Encoding.ASCII.GetString(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vendor)) == "AuthenticAMD";
    }

    /// <summary>Whether the default choice (no BERT_BLAS, OpenBLAS installed) is the managed kernel for every product on this CPU.</summary>
    public static bool PrefersManaged => OpenBlas.IsAvailable && ManagedIsFasterEverywhere;
}
