using Bert.Runtime;
using Bert.Runtime.Gpu;

namespace Bert.Samples.Devices;

/// <summary>
/// Where a command runs its model (<c>--device</c>) and, on a GPU, the GEMM operand precision (<c>--precision</c>;
/// every GEMM accumulates in fp32, and parameters, gradients and Adam stay fp32 whatever the precision).
/// </summary>
public sealed record ComputeDevice(DeviceSpec Device, GemmPrecision Precision)
{
    /// <summary>The precision a GPU run uses unless told otherwise: bf16 tensor-core GEMMs.</summary>
    public const GemmPrecision DefaultGpuPrecision = GemmPrecision.Bf16;

    public static ComputeDevice Cpu { get; } = new(DeviceSpec.Cpu, GemmPrecision.Fp32);

    public bool IsGpu => Device.Kind == DeviceKind.Cuda;

    /// <summary>The GPU session options.</summary>
    public GpuOptions GpuOptions => new(Precision);

    /// <summary>The precision as reports name it ("bf16"), or null on the CPU, where it does not apply.</summary>
    public string? PrecisionName => IsGpu ? Precision.ToString().ToLowerInvariant() : null;
}
