using Bert.Runtime.Execution;

namespace Bert.Runtime.Cuda.Execution;

/// <summary>
/// A generated model's GPU half: its CUDA source (one module, compiled with NVRTC) and one launch record per
/// kernel, in the order the generated host code indexes them (<c>CudaKernels.Source</c> and <c>CudaKernels.Launches</c>).
/// </summary>
public sealed record GpuProgram(string Name, string Source, IReadOnlyList<CudaKernelLaunch> Launches)
{
    /// <summary>
    /// Parameter indices (spec order) in the order the generated <c>BackwardOn</c> reports their gradients final
    /// (<see cref="GpuSession.GradientsReady"/>); empty for a program that reports none.
    /// </summary>
    public IReadOnlyList<int> GradientReadyOrder { get; init; } = [];
}

/// <summary>How a <see cref="GpuSession"/> runs GEMMs. Every choice accumulates in fp32.</summary>
public enum GemmPrecision
{
    /// <summary>fp32 operands and products: matches the CPU path to rounding (summation order).</summary>
    Fp32,
    /// <summary>fp32 operands, TF32 tensor-core products (10-bit mantissa, relative error about 5e-4 per product).</summary>
    Tf32,
    /// <summary>
    /// Operands converted to bf16 by a small kernel before each GEMM (8-bit mantissa, relative rounding error up to
    /// 2^-9 ≈ 2e-3 per operand), bf16 tensor-core products, fp32 accumulation and fp32 output.
    /// </summary>
    Bf16,
}

/// <summary>Options of a <see cref="GpuSession"/>; <see cref="NvrtcCacheDirectory"/> null uses the default NVRTC cache.</summary>
public sealed record GpuOptions(GemmPrecision Gemm = GemmPrecision.Fp32, string? NvrtcCacheDirectory = null);
