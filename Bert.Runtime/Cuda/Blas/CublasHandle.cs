using Bert.Runtime.Cuda.Interop;
using static Bert.Runtime.Cuda.Interop.CublasNative;

namespace Bert.Runtime.Cuda.Blas;

/// <summary>
/// A cuBLAS handle bound to one stream, with row-major GEMMs matching the CPU <c>Blas.Sgemm</c> argument order.
/// Inputs may be fp32 or bf16; accumulation is fp32 (<c>CUBLAS_COMPUTE_32F</c>).
/// </summary>
public sealed unsafe class CublasHandle : IDisposable
{
    nint handle;

    /// <summary>Creates a handle on <paramref name="device"/> (which must be current) queuing work on <paramref name="stream"/>.</summary>
    public CublasHandle(CudaDevice device, CudaStream stream)
    {
        CudaLibraries.Cublas.EnsureLoaded();
        device.MakeCurrent();
        nint created;
        Check(cublasCreate_v2(&created));
        handle = created;
        Check(cublasSetStream_v2(handle, stream.Handle));
    }

    /// <summary>Lets fp32 GEMMs use TF32 tensor cores (faster, 10-bit mantissa products). Off by default.</summary>
    public void AllowTf32(bool allow) => Check(cublasSetMathMode(handle, allow ? TF32TensorOpMath : DefaultMath));

    /// <summary>Row-major fp32 C = alpha·op(A)·op(B) + beta·C, the same arguments as the CPU <c>Blas.Sgemm</c>.</summary>
    public void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, DeviceMemory a, int lda,
        DeviceMemory b, int ldb, float beta, DeviceMemory c, int ldc) =>
        Gemm(transA, transB, m, n, k, alpha, new(a, GemmElement.Float32, lda), new(b, GemmElement.Float32, ldb),
            beta, new(c, GemmElement.Float32, ldc));

    /// <summary>
    /// Row-major C = alpha·op(A)·op(B) + beta·C for <paramref name="batchCount"/> matrices spaced by each
    /// operand's <see cref="GemmOperand.BatchStride"/>; element types may mix fp32 and bf16.
    /// </summary>
    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, GemmOperand a, GemmOperand b,
        float beta, GemmOperand c, int batchCount = 1)
    {
        ObjectDisposedException.ThrowIf(handle == 0, this);
        var cm = RowMajorGemm.ToColumnMajor(transA, transB, m, n, k, a, b);
        int opFirst = cm.TransFirst ? OpT : OpN, opSecond = cm.TransSecond ? OpT : OpN;
        if (batchCount == 1)
        {
            Check(cublasGemmEx(handle, opFirst, opSecond, cm.M, cm.N, cm.K,
                &alpha, cm.First.Memory.Pointer, DataType(cm.First), cm.First.LeadingDimension,
                cm.Second.Memory.Pointer, DataType(cm.Second), cm.Second.LeadingDimension,
                &beta, c.Memory.Pointer, DataType(c), c.LeadingDimension, Compute32F, GemmDefault));
            return;
        }
        Check(cublasGemmStridedBatchedEx(handle, opFirst, opSecond, cm.M, cm.N, cm.K,
            &alpha, cm.First.Memory.Pointer, DataType(cm.First), cm.First.LeadingDimension, cm.First.BatchStride,
            cm.Second.Memory.Pointer, DataType(cm.Second), cm.Second.LeadingDimension, cm.Second.BatchStride,
            &beta, c.Memory.Pointer, DataType(c), c.LeadingDimension, c.BatchStride, batchCount, Compute32F, GemmDefault));
    }

    static int DataType(GemmOperand operand) => operand.Element == GemmElement.BFloat16 ? CudaR16BF : CudaR32F;

    public void Dispose()
    {
        if (handle == 0) return;
        Check(cublasDestroy_v2(handle));
        handle = 0;
    }
}
