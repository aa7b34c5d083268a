using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bert.Runtime.Cuda.Interop;

/// <summary>
/// The cuBLAS calls the runtime uses (cublas_api.h). cuBLAS is column-major; <see cref="Blas.RowMajorGemm"/>
/// maps the CPU's row-major GEMM onto it. Returns <c>cublasStatus_t</c>; pass it to <see cref="Check"/>.
/// </summary>
internal static unsafe partial class CublasNative
{
    const string Lib = "cublas";

    static CublasNative() => CudaLibraries.EnsureResolver();

    // cublasOperation_t
    public const int OpN = 0, OpT = 1;

    // cudaDataType_t (library_types.h)
    public const int CudaR32F = 0, CudaR16BF = 14;

    // cublasComputeType_t
    public const int Compute32F = 68;

    // cublasMath_t
    public const int DefaultMath = 0, TF32TensorOpMath = 3;

    public const int GemmDefault = -1;

    [LibraryImport(Lib)] public static partial int cublasCreate_v2(nint* handle);
    [LibraryImport(Lib)] public static partial int cublasDestroy_v2(nint handle);
    [LibraryImport(Lib)] public static partial int cublasSetStream_v2(nint handle, nint stream);
    [LibraryImport(Lib)] public static partial int cublasSetMathMode(nint handle, int mode);

    [LibraryImport(Lib)]
    public static partial int cublasGemmEx(nint handle, int transA, int transB, int m, int n, int k,
        void* alpha, nint a, int aType, int lda, nint b, int bType, int ldb,
        void* beta, nint c, int cType, int ldc, int computeType, int algo);

    [LibraryImport(Lib)]
    public static partial int cublasGemmStridedBatchedEx(nint handle, int transA, int transB, int m, int n, int k,
        void* alpha, nint a, int aType, int lda, long strideA, nint b, int bType, int ldb, long strideB,
        void* beta, nint c, int cType, int ldc, long strideC, int batchCount, int computeType, int algo);

    /// <summary>Throws <see cref="CudaException"/> naming the call when <paramref name="status"/> is not CUBLAS_STATUS_SUCCESS.</summary>
    public static void Check(int status, [CallerArgumentExpression(nameof(status))] string call = "")
    {
        if (status != 0) throw new CudaException(NativeCall.FunctionName(call), $"{StatusName(status)} ({status})");
    }

    // cublasStatus_t names; cublasGetStatusString is missing from older cuBLAS 11 builds.
    static string StatusName(int status) => status switch
    {
        1 => "CUBLAS_STATUS_NOT_INITIALIZED",
        3 => "CUBLAS_STATUS_ALLOC_FAILED",
        7 => "CUBLAS_STATUS_INVALID_VALUE",
        8 => "CUBLAS_STATUS_ARCH_MISMATCH",
        11 => "CUBLAS_STATUS_MAPPING_ERROR",
        13 => "CUBLAS_STATUS_EXECUTION_FAILED",
        14 => "CUBLAS_STATUS_INTERNAL_ERROR",
        15 => "CUBLAS_STATUS_NOT_SUPPORTED",
        16 => "CUBLAS_STATUS_LICENSE_ERROR",
        _ => "CUBLAS_STATUS_UNKNOWN",
    };
}
