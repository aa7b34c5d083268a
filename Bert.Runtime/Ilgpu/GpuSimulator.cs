using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;

namespace Bert.Runtime.Ilgpu;

/// <summary>
/// <c>--device gpu-sim</c>: ILGPU's CPU accelerator, which runs a GPU program thread by thread (groups, barriers,
/// group reductions, atomics) on the host, with the ILGPU algorithms library loaded for the generated kernels' group
/// reductions and XMath. Warps of 4 threads and groups of at most 16 keep the emulation affordable; the generated
/// kernels take any group size. Every emulated thread costs time: use small batches.
/// </summary>
public sealed class GpuSimulator : IDisposable
{
    public const string Description = "gpu-sim (ILGPU CPU accelerator)";

    readonly Context context = Context.Create(b => b.CPU(new CPUDevice(4, 4, Math.Max(1, Environment.ProcessorCount))).EnableAlgorithms());

    public GpuSimulator() => Accelerator = context.CreateCPUAccelerator(0);

    public Accelerator Accelerator { get; }

    public void Dispose()
    {
        Accelerator.Dispose();
        context.Dispose();
    }
}
