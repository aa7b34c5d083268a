using Bert.Runtime;
using Bert.Runtime.Cpu;
using Bert.Runtime.Gpu;

namespace Bert.Samples.Devices;

/// <summary>
/// Where a command runs its model (<c>--device</c>) and the GEMM operand precision (<c>--precision</c>: fp32, tf32 or
/// bf16 on a GPU; fp32 or, where the CPU has AVX512_BF16, bf16 on the CPU). Every GEMM accumulates in fp32, and
/// parameters, gradients and Adam stay fp32 whatever the precision.
/// </summary>
public sealed record ComputeDevice(DeviceSpec Device, GemmPrecision Precision)
{
    /// <summary>The precision a GPU run uses unless told otherwise: bf16 tensor-core GEMMs.</summary>
    public const GemmPrecision DefaultGpuPrecision = GemmPrecision.Bf16;

    public static ComputeDevice Cpu { get; } = new(DeviceSpec.Cpu, GemmPrecision.Fp32);

    public bool IsGpu => Device.Kind == DeviceKind.Cuda;

    /// <summary>The GPU session options.</summary>
    public GpuOptions GpuOptions => new(Precision);

    /// <summary>The precision as reports name it ("bf16"), or null for the CPU's fp32.</summary>
    public string? PrecisionName => IsGpu || Precision == GemmPrecision.Bf16 ? Precision.ToString().ToLowerInvariant() : null;

    /// <summary>
    /// On the CPU at bf16: until disposed, every GEMM this command runs takes bf16 operands (<see cref="Blas.UseBf16Operands"/>);
    /// else null (a GPU session carries its own precision).
    /// </summary>
    public IDisposable? UseCpuGemmPrecision() => !IsGpu && Precision == GemmPrecision.Bf16 ? Blas.UseBf16Operands() : null;
}
