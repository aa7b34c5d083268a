using Bert.Runtime.Cuda;
using Bert.Runtime.Cuda.Interop;
using Bert.Runtime.Cuda.Nvrtc;
using Xunit.Abstractions;

namespace Bert.Runtime.Tests.Cuda;

/// <summary>
/// Decides whether a CUDA test can run. xunit 2 has no dynamic skip, so a test calls one of these and
/// returns early when it gets false; that only happens outside CI, with the reason logged. In CI
/// (CI set and not "false"/"0") a missing NVRTC fails the test with its install hint.
/// </summary>
static class CudaTestEnvironment
{
    public static bool InCi => Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ci && ci != "false" && ci != "0";

    /// <summary>GPU tests run only when BERT_TEST_GPU=1; then a missing driver or GPU fails them.</summary>
    public static bool GpuTestsRequested => Environment.GetEnvironmentVariable("BERT_TEST_GPU") == "1";

    public static bool RequireNvrtc(ITestOutputHelper output)
    {
        if (NvrtcCompiler.IsAvailable)
        {
            output.WriteLine($"NVRTC {NvrtcCompiler.Version} from {NvrtcCompiler.LibraryFile}");
            return true;
        }
        try
        {
            CudaLibraries.Nvrtc.EnsureLoaded();
            return true;
        }
        catch (CudaUnavailableException missing) when (!InCi)
        {
            output.WriteLine($"Not run (outside CI): {missing.Message}");
            return false;
        }
    }

    public static bool RequireGpu(ITestOutputHelper output)
    {
        if (!GpuTestsRequested)
        {
            output.WriteLine("Not run: GPU tests need BERT_TEST_GPU=1 on a machine with an NVIDIA GPU.");
            return false;
        }
        if (CudaDevice.Count == 0) throw new InvalidOperationException("BERT_TEST_GPU=1 but the driver reports no CUDA GPU.");
        return RequireNvrtc(output);
    }
}
