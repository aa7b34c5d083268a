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

    /// <summary>Creates a handle in the calling thread's current CUDA context, queuing work on <paramref name="stream"/> (a <c>CUstream</c>).</summary>
    public CublasHandle(nint stream)
    {
        CudaLibraries.Cublas.EnsureLoaded();
        nint created;
        Check(cublasCreate_v2(&created));
        handle = created;
        Check(cublasSetStream_v2(handle, stream));
    }

    /// <summary>Lets fp32 GEMMs use TF32 tensor cores (faster, 10-bit mantissa products). Off by default.</summary>
    public void AllowTf32(bool allow) => Check(cublasSetMathMode(handle, allow ? TF32TensorOpMath : DefaultMath));

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
                &alpha, cm.First.Pointer, DataType(cm.First), cm.First.LeadingDimension,
                cm.Second.Pointer, DataType(cm.Second), cm.Second.LeadingDimension,
                &beta, c.Pointer, DataType(c), c.LeadingDimension, Compute32F, GemmDefault));
            return;
        }
        Check(cublasGemmStridedBatchedEx(handle, opFirst, opSecond, cm.M, cm.N, cm.K,
            &alpha, cm.First.Pointer, DataType(cm.First), cm.First.LeadingDimension, cm.First.BatchStride,
            cm.Second.Pointer, DataType(cm.Second), cm.Second.LeadingDimension, cm.Second.BatchStride,
            &beta, c.Pointer, DataType(c), c.LeadingDimension, c.BatchStride, batchCount, Compute32F, GemmDefault));
    }

    static int DataType(GemmOperand operand) => operand.Element == GemmElement.BFloat16 ? CudaR16BF : CudaR32F;

    public void Dispose()
    {
        if (handle == 0) return;
        Check(cublasDestroy_v2(handle));
        handle = 0;
    }
}
