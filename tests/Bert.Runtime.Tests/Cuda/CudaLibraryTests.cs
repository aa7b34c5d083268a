using Bert.Runtime.Cuda;
using Bert.Runtime.Cuda.Interop;

namespace Bert.Runtime.Tests.Cuda;

public class CudaLibraryTests
{
    [Fact]
    public void Missing_library_names_itself_the_files_tried_and_the_fix()
    {
        var library = new NativeLibraryCandidates("nothing", "Some CUDA library", "Install it with scripts/setup.",
            "libdoes-not-exist.so.1", "libdoes-not-exist.so");

        Assert.False(library.IsAvailable);
        Assert.Null(library.LoadedFile);
        var error = Assert.Throws<CudaUnavailableException>(library.EnsureLoaded);
        Assert.Equal("Some CUDA library", error.Library);
        Assert.Contains("libdoes-not-exist.so.1, libdoes-not-exist.so", error.Message);
        Assert.Contains("scripts/setup", error.Message);
    }

    [Fact]
    public void Call_name_is_taken_from_the_checked_expression()
    {
        Assert.Equal("cuEventRecord", NativeCall.FunctionName("cuEventRecord(handle, stream)"));
        Assert.Equal("cublasCreate_v2", NativeCall.FunctionName("CublasNative.cublasCreate_v2(&created)"));
    }

    [Fact]
    public void Raw_binding_loads_through_the_resolver_or_raises_cuda_unavailable()
    {
        // Called without EnsureLoaded: the assembly's DllImport resolver alone finds libcuda.so.1. Naming an error
        // needs the driver library but no GPU, so this holds on machines with a driver and no device too.
        if (CudaLibraries.Driver.IsAvailable)
        {
            Assert.StartsWith("CUDA_ERROR_NO_DEVICE (100)", CuDriver.Describe(100));
            return;
        }
        var error = Assert.Throws<CudaUnavailableException>(() => CuDriver.Describe(100));
        Assert.Contains("libcuda.so.1", error.Message);
    }
}
