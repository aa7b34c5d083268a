using Bert.Tests;
using Bert.Runtime.Cuda;
using Bert.Runtime.Cuda.Interop;
using Bert.Runtime.Cuda.Nvrtc;
using Xunit.Abstractions;

namespace Bert.Runtime.Tests.Cuda;

/// <summary>
/// What the CUDA tests need, checked at the start of each one. Whether a test runs at all is decided by its
/// attribute (<see cref="NvrtcFactAttribute"/>, <see cref="GpuFactAttribute"/>): a test that runs and finds its
/// dependency missing fails with the install hint.
/// </summary>
static class CudaTestEnvironment
{
    /// <summary>Throws <see cref="CudaUnavailableException"/> (with the install hint) when NVRTC cannot be loaded.</summary>
    public static void RequireNvrtc(ITestOutputHelper output)
    {
        CudaLibraries.Nvrtc.EnsureLoaded();
        output.WriteLine($"NVRTC {NvrtcCompiler.Version} from {NvrtcCompiler.LibraryFile}");
    }

    /// <summary>Throws when the driver reports no GPU or NVRTC is missing.</summary>
    public static void RequireGpu(ITestOutputHelper output)
    {
        if (CudaDevice.Count == 0) throw new InvalidOperationException("BERT_TEST_GPU=1 but the driver reports no CUDA GPU.");
        RequireNvrtc(output);
    }
}
