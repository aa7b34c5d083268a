using Bert.Runtime;
using Bert.Runtime.Gpu;
using Xunit;

namespace Bert.Tests;

/// <summary>
/// The GPU the GPU tests run on: NVIDIA GPU 0 with BERT_TEST_GPU=1 (a GPU machine), otherwise the simulator
/// (<c>gpu-sim</c>, ILGPU's CPU accelerator), which runs the same GPU program everywhere, CI included.
/// </summary>
public static class TestGpu
{
    public static bool RealGpuRequested => Environment.GetEnvironmentVariable("BERT_TEST_GPU") == "1";

    public static DeviceSpec Spec => RealGpuRequested ? DeviceSpec.Cuda(0) : DeviceSpec.GpuSim;

    /// <summary>Opens <see cref="Spec"/>; the caller disposes it.</summary>
    public static GpuDevice Open() => GpuDevice.Open(Spec);

    /// <summary>A program with no generated kernels: a session for the runtime's own kernels, GEMMs and copies.</summary>
    public static GpuProgram NoKernels(string name) => new(name, typeof(TestGpu), []);
}

/// <summary>
/// A test that needs real NVIDIA hardware (cuBLAS precisions, NCCL, device timing): reported as skipped unless
/// BERT_TEST_GPU=1. Everything else about the GPU program runs on the simulator in every test run.
/// </summary>
public sealed class GpuFactAttribute : FactAttribute
{
    public GpuFactAttribute()
    {
        if (!TestGpu.RealGpuRequested)
            Skip = "Needs an NVIDIA GPU: run with BERT_TEST_GPU=1 on a GPU machine.";
    }
}

/// <inheritdoc cref="GpuFactAttribute"/>
public sealed class GpuTheoryAttribute : TheoryAttribute
{
    public GpuTheoryAttribute()
    {
        if (!TestGpu.RealGpuRequested)
            Skip = "Needs an NVIDIA GPU: run with BERT_TEST_GPU=1 on a GPU machine.";
    }
}
