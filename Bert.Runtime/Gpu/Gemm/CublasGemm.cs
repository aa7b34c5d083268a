using Bert.Runtime.Cuda.Blas;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Bert.Runtime.Gpu.Gemm;

/// <summary>
/// GEMMs on a GPU: cuBLAS (the project's own bindings: ILGPU.Algorithms' wrapper has neither strided-batched GEMM nor
/// GemmEx) over the raw device pointers of the session's ILGPU buffers, on the accelerator's stream, at one
/// <see cref="GemmPrecision"/>. The bf16 path copies A and B into bf16 scratch buffers (grown on demand) with the
/// runtime's <see cref="RuntimeKernels.ToBf16"/> kernel, then multiplies on tensor cores with fp32 accumulation into the fp32 C.
/// </summary>
sealed class CublasGemm : IDeviceGemm
{
    readonly CudaAccelerator accelerator;
    readonly RuntimeKernels kernels;
    readonly CublasHandle blas;
    readonly MemoryBuffer1D<ushort, Stride1D.Dense>?[] bf16Scratch = new MemoryBuffer1D<ushort, Stride1D.Dense>?[2];

    public CublasGemm(CudaAccelerator accelerator, RuntimeKernels kernels, GemmPrecision precision)
    {
        this.accelerator = accelerator;
        this.kernels = kernels;
        Precision = precision;
        accelerator.Bind();
        blas = new CublasHandle(((CudaStream)accelerator.DefaultStream).StreamPtr);
        if (precision == GemmPrecision.Tf32) blas.AllowTf32(true);
    }

    public GemmPrecision Precision { get; }

    public void Run(bool transA, bool transB, int m, int n, int k,
        float alpha, DeviceFloats a, int lda, long strideA,
        DeviceFloats b, int ldb, long strideB,
        float beta, DeviceFloats c, int ldc, long strideC, int batchCount)
    {
        var first = Operand(0, a, lda, strideA);
        var second = Operand(1, b, ldb, strideB);
        blas.Gemm(transA, transB, m, n, k, alpha, first, second, beta, new GemmOperand(c.Pointer, GemmElement.Float32, ldc, strideC), batchCount);
    }

    /// <summary>The operand as cuBLAS reads it: the fp32 tensor itself, or its bf16 copy in scratch buffer <paramref name="slot"/>.</summary>
    GemmOperand Operand(int slot, DeviceFloats operand, int leadingDimension, long batchStride)
    {
        if (Precision != GemmPrecision.Bf16) return new GemmOperand(operand.Pointer, GemmElement.Float32, leadingDimension, batchStride);
        long elements = operand.View.Length;
        if (bf16Scratch[slot] is not { } scratch || scratch.Length < elements)
        {
            bf16Scratch[slot]?.Dispose();
            bf16Scratch[slot] = null;   // stays null if the allocation below fails
            scratch = accelerator.Allocate1D<ushort>(elements);
            bf16Scratch[slot] = scratch;
        }
        kernels.ToBf16(accelerator.DefaultStream, operand.View, scratch.View.SubView(0, elements));
        return new GemmOperand(scratch.NativePtr, GemmElement.BFloat16, leadingDimension, batchStride);
    }

    public void Dispose()
    {
        foreach (var scratch in bf16Scratch) scratch?.Dispose();
        blas.Dispose();
    }
}
