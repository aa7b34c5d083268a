namespace Bert.Runtime.Gpu.Gemm;

/// <summary>
/// A session's row-major GEMMs, in the CPU <c>Blas.SgemmStridedBatched</c> argument order, on operands the session
/// has resolved and bounds-checked (<see cref="DeviceFloats"/>). Queued after the work queued before.
/// </summary>
interface IDeviceGemm : IDisposable
{
    /// <summary>The operand precision these GEMMs multiply at (products always accumulate in fp32).</summary>
    GemmPrecision Precision { get; }

    void Run(bool transA, bool transB, int m, int n, int k,
        float alpha, DeviceFloats a, int lda, long strideA,
        DeviceFloats b, int ldb, long strideB,
        float beta, DeviceFloats c, int ldc, long strideC, int batchCount);
}
