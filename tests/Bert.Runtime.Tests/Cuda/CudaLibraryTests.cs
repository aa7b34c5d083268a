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
        Assert.Equal("cuMemAlloc_v2", NativeCall.FunctionName("cuMemAlloc_v2(&pointer, (nuint)bytes)"));
        Assert.Equal("nvrtcVersion", NativeCall.FunctionName("NvrtcNative.nvrtcVersion(&major, &minor)"));
    }

    [Fact]
    public void Raw_binding_loads_through_the_resolver_or_raises_cuda_unavailable()
    {
        // cuInit is called without EnsureLoaded: the assembly's DllImport resolver alone finds libcuda.so.1.
        if (CudaLibraries.Driver.IsAvailable)
        {
            CuDriver.Check(CuDriver.cuInit(0));
            return;
        }
        var error = Assert.Throws<CudaUnavailableException>(() => CuDriver.cuInit(0));
        Assert.Contains("libcuda.so.1", error.Message);
        Assert.Throws<CudaUnavailableException>(() => CudaDevice.Count);
    }
}
