using Bert.Runtime.Cpu;
using ILGPU.Runtime;

namespace Bert.Runtime.Gpu.Gemm;

/// <summary>
/// GEMMs on the simulator: the CPU accelerator's buffers are host memory, so the host BLAS reads and writes them in
/// place, once the kernels queued before have run. fp32, like the CPU backend.
/// </summary>
sealed unsafe class HostGemm(Accelerator accelerator) : IDeviceGemm
{
    public GemmPrecision Precision => GemmPrecision.Fp32;

    public void Run(bool transA, bool transB, int m, int n, int k,
        float alpha, DeviceFloats a, int lda, long strideA,
        DeviceFloats b, int ldb, long strideB,
        float beta, DeviceFloats c, int ldc, long strideC, int batchCount)
    {
        accelerator.Synchronize();
        Blas.SgemmStridedBatched(transA, transB, m, n, k, alpha, (float*)a.Pointer, lda, strideA, (float*)b.Pointer, ldb, strideB,
            beta, (float*)c.Pointer, ldc, strideC, batchCount);
    }

    public void Dispose() { }
}
