using Bert.Runtime.Cuda.Blas;

namespace Bert.Runtime.Cuda.Execution;

/// <summary>
/// A session's row-major GEMMs (the CPU <c>Blas</c> argument order) on cuBLAS at one <see cref="GemmPrecision"/>.
/// The bf16 path copies A and B into bf16 scratch buffers (grown on demand) with the runtime's <c>to_bf16</c>
/// kernel, then multiplies on tensor cores with fp32 accumulation into the fp32 C.
/// </summary>
sealed class GpuGemm : IDisposable
{
    readonly CudaDevice device;
    readonly CudaStream stream;
    readonly GpuRuntimeKernels kernels;
    readonly CublasHandle blas;
    readonly DeviceRegions regions;
    readonly DeviceAllocation?[] bf16Scratch = new DeviceAllocation?[2];

    public GpuGemm(CudaDevice device, CudaStream stream, GpuRuntimeKernels kernels, DeviceRegions regions, GemmPrecision precision)
    {
        this.device = device;
        this.stream = stream;
        this.kernels = kernels;
        this.regions = regions;
        Precision = precision;
        blas = new CublasHandle(device, stream);
        if (precision == GemmPrecision.Tf32) blas.AllowTf32(true);
    }

    public GemmPrecision Precision { get; }

    public void Run(bool transA, bool transB, int m, int n, int k,
        float alpha, ulong a, int lda, long strideA,
        ulong b, int ldb, long strideB,
        float beta, ulong c, int ldc, long strideC, int batchCount)
    {
        long aElements = GemmExtent.OperandA(transA, m, k, lda, strideA, batchCount);
        long bElements = GemmExtent.OperandB(transB, k, n, ldb, strideB, batchCount);
        long cElements = GemmExtent.OperandC(m, n, ldc, strideC, batchCount);
        regions.Require(a, aElements * sizeof(float), "GEMM operand A");
        regions.Require(b, bElements * sizeof(float), "GEMM operand B");
        regions.Require(c, cElements * sizeof(float), "GEMM operand C");

        var first = Operand(0, a, aElements, lda, strideA);
        var second = Operand(1, b, bElements, ldb, strideB);
        var result = new GemmOperand(new DeviceMemory(c, cElements * sizeof(float)), GemmElement.Float32, ldc, strideC);
        blas.Gemm(transA, transB, m, n, k, alpha, first, second, beta, result, batchCount);
    }

    /// <summary>The operand as cuBLAS reads it: the fp32 tensor itself, or its bf16 copy in scratch buffer <paramref name="slot"/>.</summary>
    GemmOperand Operand(int slot, ulong address, long elements, int leadingDimension, long batchStride)
    {
        var fp32 = new DeviceMemory(address, elements * sizeof(float));
        if (Precision != GemmPrecision.Bf16) return new GemmOperand(fp32, GemmElement.Float32, leadingDimension, batchStride);

        long bytes = elements * sizeof(ushort);
        if (bf16Scratch[slot] is not { } scratch || scratch.Memory.Bytes < bytes)
        {
            bf16Scratch[slot]?.Dispose();
            bf16Scratch[slot] = null;   // stays null if the allocation below fails
            scratch = device.Allocate(bytes);
            bf16Scratch[slot] = scratch;
        }
        var copy = scratch.Memory.Slice(0, bytes);
        kernels.ToBf16.Launch(GpuRuntimeKernels.GridStride(elements), stream,
            [copy.Pointer, address, Kernels.KernelArg.Long(elements)]);
        return new GemmOperand(copy, GemmElement.BFloat16, leadingDimension, batchStride);
    }

    public void Dispose()
    {
        foreach (var scratch in bf16Scratch) scratch?.Dispose();
        blas.Dispose();
    }
}
