using Bert.Runtime.Cuda.Nvrtc;

namespace Bert.Runtime.Tests.Cuda;

/// <summary>
/// A test that needs NVRTC. It is reported as skipped only outside CI on a machine without NVRTC; in CI
/// (CI set and not "false"/"0") it always runs, so a missing NVRTC fails it with the install hint.
/// </summary>
public sealed class NvrtcFactAttribute : FactAttribute
{
    public NvrtcFactAttribute()
    {
        if (!CudaTestEnvironment.InCi && !NvrtcCompiler.IsAvailable)
            Skip = "NVRTC is not installed (run scripts/setup); CI always runs this test.";
    }
}

/// <inheritdoc cref="NvrtcFactAttribute"/>
public sealed class NvrtcTheoryAttribute : TheoryAttribute
{
    public NvrtcTheoryAttribute()
    {
        if (!CudaTestEnvironment.InCi && !NvrtcCompiler.IsAvailable)
            Skip = "NVRTC is not installed (run scripts/setup); CI always runs this test.";
    }
}

/// <summary>A test that needs an NVIDIA GPU: reported as skipped unless BERT_TEST_GPU=1.</summary>
public sealed class GpuFactAttribute : FactAttribute
{
    public GpuFactAttribute()
    {
        if (!CudaTestEnvironment.GpuTestsRequested)
            Skip = "Needs an NVIDIA GPU: run with BERT_TEST_GPU=1 on a GPU machine.";
    }
}

/// <inheritdoc cref="GpuFactAttribute"/>
public sealed class GpuTheoryAttribute : TheoryAttribute
{
    public GpuTheoryAttribute()
    {
        if (!CudaTestEnvironment.GpuTestsRequested)
            Skip = "Needs an NVIDIA GPU: run with BERT_TEST_GPU=1 on a GPU machine.";
    }
}
