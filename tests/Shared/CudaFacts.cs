using Bert.Runtime.Cuda.Nvrtc;
using Xunit;

namespace Bert.Tests;

/// <summary>Whether CUDA tests may be skipped here: CI always runs NVRTC tests; GPU tests are opt-in.</summary>
public static class CudaGate
{
    public static bool InCi => Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ci && ci != "false" && ci != "0";

    public static bool GpuTestsRequested => Environment.GetEnvironmentVariable("BERT_TEST_GPU") == "1";
}

/// <summary>
/// A test that needs NVRTC. It is reported as skipped only outside CI on a machine without NVRTC; in CI
/// (CI set and not "false"/"0") it always runs, so a missing NVRTC fails it with the install hint.
/// </summary>
public sealed class NvrtcFactAttribute : FactAttribute
{
    public NvrtcFactAttribute()
    {
        if (!CudaGate.InCi && !NvrtcCompiler.IsAvailable)
            Skip = "NVRTC is not installed (run scripts/setup); CI always runs this test.";
    }
}

/// <inheritdoc cref="NvrtcFactAttribute"/>
public sealed class NvrtcTheoryAttribute : TheoryAttribute
{
    public NvrtcTheoryAttribute()
    {
        if (!CudaGate.InCi && !NvrtcCompiler.IsAvailable)
            Skip = "NVRTC is not installed (run scripts/setup); CI always runs this test.";
    }
}

/// <summary>A test that needs an NVIDIA GPU: reported as skipped unless BERT_TEST_GPU=1.</summary>
public sealed class GpuFactAttribute : FactAttribute
{
    public GpuFactAttribute()
    {
        if (!CudaGate.GpuTestsRequested)
            Skip = "Needs an NVIDIA GPU: run with BERT_TEST_GPU=1 on a GPU machine.";
    }
}

/// <inheritdoc cref="GpuFactAttribute"/>
public sealed class GpuTheoryAttribute : TheoryAttribute
{
    public GpuTheoryAttribute()
    {
        if (!CudaGate.GpuTestsRequested)
            Skip = "Needs an NVIDIA GPU: run with BERT_TEST_GPU=1 on a GPU machine.";
    }
}
