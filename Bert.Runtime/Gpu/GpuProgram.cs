using System.Diagnostics.CodeAnalysis;
using Bert.Runtime.Execution;

namespace Bert.Runtime.Gpu;

/// <summary>
/// A generated model's GPU half: its ILGPU kernels (the generated <c>{Model}.IlgpuKernels</c> class, one static method
/// per kernel) and one launch record per kernel, in the order the generated host code indexes them
/// (<c>{Model}.KernelLaunches.Launches</c>).
/// </summary>
public sealed record GpuProgram(
    string Name,
    [property: DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods)] Type Kernels,
    IReadOnlyList<KernelLaunch> Launches)
{
    /// <summary>
    /// Parameter indices (spec order) in the order the generated <c>BackwardOn</c> reports their gradients final
    /// (<see cref="GpuSession.GradientsReady"/>); empty for a program that reports none.
    /// </summary>
    public IReadOnlyList<int> GradientReadyOrder { get; init; } = [];
}

/// <summary>How a <see cref="GpuSession"/> runs GEMMs on a GPU. Every choice accumulates in fp32; the simulator computes in fp32.</summary>
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

/// <summary>Options of a <see cref="GpuSession"/>.</summary>
public sealed record GpuOptions(GemmPrecision Gemm = GemmPrecision.Fp32);
