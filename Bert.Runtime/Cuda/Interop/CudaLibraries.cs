using System.Reflection;
using System.Runtime.InteropServices;

namespace Bert.Runtime.Cuda.Interop;

/// <summary>
/// The CUDA libraries the bindings use, and the assembly's DllImport resolver that maps their logical
/// names to the first installed version. Every binding class touches <see cref="EnsureResolver"/> in its
/// static constructor, so the resolver is in place before the first native call.
/// </summary>
internal static class CudaLibraries
{
    const string SetupHint = "Run scripts/setup as root (on Debian 12 it enables the contrib and non-free components and installs";

    public static readonly NativeLibraryCandidates Driver = new("cuda", "The NVIDIA CUDA driver",
        "Install the NVIDIA driver for your GPU (it provides libcuda.so.1); CUDA needs an NVIDIA GPU.",
        "libcuda.so.1");

    public static readonly NativeLibraryCandidates Nvrtc = new("nvrtc", "NVRTC (the CUDA runtime compiler)",
        $"{SetupHint} libnvrtc11.2), or install the CUDA toolkit's NVRTC and add its lib folder to LD_LIBRARY_PATH.",
        "libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so");

    public static readonly NativeLibraryCandidates Cublas = new("cublas", "cuBLAS",
        $"{SetupHint} libcublas11 when an NVIDIA driver is present), or install the CUDA toolkit's cuBLAS and add its lib folder to LD_LIBRARY_PATH.",
        "libcublas.so.13", "libcublas.so.12", "libcublas.so.11");

    static readonly NativeLibraryCandidates[] All = [Driver, Nvrtc, Cublas];

    static readonly Lazy<bool> resolverInstalled = new(() =>
    {
        NativeLibrary.SetDllImportResolver(typeof(CudaLibraries).Assembly, Resolve);
        return true;
    });

    public static void EnsureResolver() => _ = resolverInstalled.Value;

    // Logical names of this module map to their candidates; any other name keeps the default probing.
    static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        foreach (var library in All)
            if (library.LogicalName == libraryName) return library.Handle;
        return 0;
    }
}
