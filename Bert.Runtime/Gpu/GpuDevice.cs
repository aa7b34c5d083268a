using Bert.Runtime.Cuda;
using Bert.Runtime.Cuda.Interop;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace Bert.Runtime.Gpu;

/// <summary>
/// An ILGPU accelerator for a <c>--device</c>: <c>cuda:N</c> is NVIDIA GPU N through ILGPU's CUDA backend (kernels
/// compiled to PTX, GEMMs on cuBLAS); <c>gpu-sim</c> is ILGPU's CPU accelerator, which runs the same GPU program
/// thread by thread (groups, barriers, group reductions, atomics) on the host. Both load the ILGPU algorithms library
/// the generated kernels use (group reductions, XMath). The simulator has warps of 4 threads and groups of at most 16
/// so that emulation stays affordable (every emulated thread costs time: use small batches); the generated kernels
/// take any group size.
/// </summary>
public sealed class GpuDevice : IDisposable
{
    public const string SimulatorDescription = "gpu-sim (ILGPU CPU accelerator)";

    readonly Context context;

    GpuDevice(Context context, Accelerator accelerator, DeviceSpec spec)
    {
        this.context = context;
        Accelerator = accelerator;
        Spec = spec;
    }

    /// <summary>
    /// Opens <paramref name="spec"/> (<c>cuda:N</c> or <c>gpu-sim</c>). For a GPU, throws
    /// <see cref="CudaUnavailableException"/> naming what is missing and how to install it: the NVIDIA driver
    /// (libcuda), the GPU itself, or cuBLAS.
    /// </summary>
    public static GpuDevice Open(DeviceSpec spec) => spec.Kind switch
    {
        DeviceKind.GpuSim => Simulator(),
        DeviceKind.Cuda => Cuda(spec),
        _ => throw new ArgumentException($"'{spec}' is not a GPU device.", nameof(spec)),
    };

    /// <summary>The GPU simulator (<c>gpu-sim</c>).</summary>
    public static GpuDevice Simulator()
    {
        var context = Context.Create(b => b.CPU(new CPUDevice(4, 4, Math.Max(1, Environment.ProcessorCount))).EnableAlgorithms());
        return new GpuDevice(context, context.CreateCPUAccelerator(0), DeviceSpec.GpuSim);
    }

    /// <summary>
    /// Checks, before a command reads its data, that <paramref name="spec"/> can be opened: for a GPU, the driver, the
    /// GPU and cuBLAS, as <see cref="Open"/> does, without creating the GPU context (<see cref="Open"/> creates it once).
    /// </summary>
    public static void Require(DeviceSpec spec)
    {
        if (spec.Kind != DeviceKind.Cuda) return;
        using var context = CudaContext();
        _ = CudaDeviceFor(context, spec);
    }

    static GpuDevice Cuda(DeviceSpec spec)
    {
        var context = CudaContext();
        try
        {
            return new GpuDevice(context, CudaDeviceFor(context, spec).CreateCudaAccelerator(context), spec);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    static Context CudaContext()
    {
        CudaLibraries.Driver.EnsureLoaded();
        return Context.Create(b => b.Cuda().EnableAlgorithms());
    }

    /// <summary>GPU <paramref name="spec"/> of the context, with cuBLAS loadable; a <see cref="CudaUnavailableException"/> naming what is missing otherwise.</summary>
    static ILGPU.Runtime.Cuda.CudaDevice CudaDeviceFor(Context context, DeviceSpec spec)
    {
        // ILGPU lists no CUDA device, without throwing, both when the driver reports none and when it fails to start.
        var devices = context.GetCudaDevices();
        if (spec.Ordinal >= devices.Count)
            throw new CudaUnavailableException("CUDA device", devices.Count == 0
                ? $"{spec} was requested but the NVIDIA driver reports no CUDA GPU on this machine (check it with nvidia-smi)."
                : $"{spec} was requested but this machine has {devices.Count} CUDA GPU(s): cuda:0 to cuda:{devices.Count - 1}.");
        CudaLibraries.Cublas.EnsureLoaded();
        return devices[spec.Ordinal];
    }

    public Accelerator Accelerator { get; }

    /// <summary>What was opened: <c>cuda:N</c> or <c>gpu-sim</c>.</summary>
    public DeviceSpec Spec { get; }

    public bool IsSimulator => Spec.Kind == DeviceKind.GpuSim;

    /// <summary>The GPU's name (e.g. "NVIDIA H100 80GB HBM3"), or <see cref="SimulatorDescription"/>.</summary>
    public string Name => IsSimulator ? SimulatorDescription : Accelerator.Name;

    /// <summary>For reports: "cuda:0 (NVIDIA H100 80GB HBM3)" or "gpu-sim (ILGPU CPU accelerator)".</summary>
    public override string ToString() => IsSimulator ? SimulatorDescription : $"{Spec} ({Accelerator.Name})";

    /// <summary>Makes the device's context current on the calling thread (CUDA; nothing on the simulator).</summary>
    public void MakeCurrent() => Accelerator.Bind();

    public void Dispose()
    {
        Accelerator.Dispose();
        context.Dispose();
    }
}
