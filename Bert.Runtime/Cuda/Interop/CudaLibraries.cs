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

    public static readonly NativeLibraryCandidates Cublas = new("cublas", "cuBLAS",
        $"{SetupHint} libcublas11 when an NVIDIA driver is present), or install the CUDA toolkit's cuBLAS and add its lib folder to LD_LIBRARY_PATH.",
        "libcublas.so.13", "libcublas.so.12", "libcublas.so.11");

    /// <summary>
    /// NCCL, for data-parallel training: the loader's path first (a system libnccl2, or LD_LIBRARY_PATH), then the
    /// copy inside PyTorch's CUDA wheels, then a conda environment's.
    /// </summary>
    public static readonly NativeLibraryCandidates Nccl = new("nccl", "NCCL (libnccl.so.2, the NVIDIA collective communication library)",
        "Data-parallel GPU training needs it. Install one of: the libnccl2 package (NVIDIA's CUDA apt repository, or Debian non-free); " +
        "pip install nvidia-nccl-cu12 (PyTorch's CUDA wheels ship it too: site-packages/nvidia/nccl/lib/libnccl.so.2 of the active venv, " +
        "~/.local or /usr/local is found automatically); or add the folder holding libnccl.so.2 to LD_LIBRARY_PATH.",
        NcclCandidates);

    static IReadOnlyList<string> NcclCandidates()
    {
        const string File = "libnccl.so.2";
        var candidates = new List<string> { File };
        candidates.AddRange(PythonPackageLibraries.Find(Path.Combine("nvidia", "nccl", "lib", File)));
        if (Environment.GetEnvironmentVariable("CONDA_PREFIX") is { Length: > 0 } conda) candidates.Add(Path.Combine(conda, "lib", File));
        return candidates;
    }

    static readonly NativeLibraryCandidates[] All = [Driver, Cublas, Nccl];

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
