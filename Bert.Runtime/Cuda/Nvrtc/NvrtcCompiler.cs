using System.Text;
using Bert.Runtime.Cuda.Interop;
using static Bert.Runtime.Cuda.Interop.NvrtcNative;

namespace Bert.Runtime.Cuda.Nvrtc;

/// <summary>
/// Compiles CUDA C++ kernels with NVRTC to CUBIN or PTX, caching the images on disk. Needs no GPU, so CI
/// can check every generated kernel. Sources may <c>#include</c> the headers in <see cref="CudaHeaders"/>.
/// </summary>
public sealed unsafe class NvrtcCompiler(NvrtcCache cache)
{
    /// <summary>Options every compilation gets: device functions by default, C++17, line info for profilers.</summary>
    public static IReadOnlyList<string> DefaultOptions { get; } = ["-default-device", "--std=c++17", "-lineinfo"];

    public NvrtcCompiler() : this(new NvrtcCache(NvrtcCache.DefaultDirectory)) { }

    public NvrtcCache Cache { get; } = cache;

    public static bool IsAvailable => CudaLibraries.Nvrtc.IsAvailable;

    /// <summary>The NVRTC library file in use, e.g. "libnvrtc.so.11.2"; null when none is installed.</summary>
    public static string? LibraryFile => CudaLibraries.Nvrtc.LoadedFile;

    static readonly Lazy<Version> version = new(() =>
    {
        CudaLibraries.Nvrtc.EnsureLoaded();
        int major, minor;
        Check(nvrtcVersion(&major, &minor));
        return new Version(major, minor);
    });

    /// <summary>NVRTC's version (e.g. 11.8); throws <see cref="CudaUnavailableException"/> when it is not installed.</summary>
    public static Version Version => version.Value;

    static readonly Lazy<int[]> supportedArchitectures = new(() =>
    {
        CudaLibraries.Nvrtc.EnsureLoaded();
        int count;
        Check(nvrtcGetNumSupportedArchs(&count));
        int[] archs = new int[count];
        fixed (int* p = archs) Check(nvrtcGetSupportedArchs(p));
        return archs;
    });

    /// <summary>The sm_XX values NVRTC can target, e.g. [..., 80, 86, 87, 89, 90] for 11.8.</summary>
    public static IReadOnlyList<int> SupportedArchitectures => supportedArchitectures.Value;

    /// <summary>
    /// Compiles <paramref name="source"/> (which defines <c>extern "C" __global__ void kernelName(...)</c>)
    /// for <paramref name="target"/>, or returns the cached image of an identical earlier compilation.
    /// Throws <see cref="NvrtcCompileException"/> with NVRTC's log when the source does not compile.
    /// </summary>
    public CompiledKernelImage Compile(string kernelName, string source, NvrtcTarget target, IReadOnlyList<string>? extraOptions = null)
    {
        string[] options = [target.ArchitectureOption, .. DefaultOptions, .. extraOptions ?? []];
        string key = NvrtcCache.Key([
            $"nvrtc {Version}", .. options, .. CudaHeaders.All.SelectMany(h => new[] { h.Name, h.Contents }), source]);

        if (Cache.TryRead(key, target.Output, out byte[] cached))
            return new CompiledKernelImage(kernelName, target, cached, FromCache: true);

        byte[] image = Run(kernelName, source, target, options);
        Cache.Write(key, target.Output, image);
        return new CompiledKernelImage(kernelName, target, image, FromCache: false);
    }

    static byte[] Run(string kernelName, string source, NvrtcTarget target, string[] options)
    {
        nint program;
        Check(nvrtcCreateProgram(&program, source, kernelName + ".cu", CudaHeaders.All.Count,
            [.. CudaHeaders.All.Select(h => h.Contents)], [.. CudaHeaders.All.Select(h => h.Name)]));
        try
        {
            int result = nvrtcCompileProgram(program, options.Length, options);
            if (result == ErrorCompilation) throw new NvrtcCompileException(kernelName, target, ReadLog(program));
            Check(result, nameof(nvrtcCompileProgram));
            return ReadImage(program, target.Output);
        }
        finally
        {
            nvrtcDestroyProgram(&program);
        }
    }

    static string ReadLog(nint program) =>
        Encoding.UTF8.GetString(ReadOutput(program, &nvrtcGetProgramLogSize, &nvrtcGetProgramLog)).TrimEnd('\0').Trim();

    // PTX keeps its terminating NUL, which cuModuleLoadData needs.
    static byte[] ReadImage(nint program, NvrtcOutput output) => output == NvrtcOutput.Cubin
        ? ReadOutput(program, &nvrtcGetCUBINSize, &nvrtcGetCUBIN)
        : ReadOutput(program, &nvrtcGetPTXSize, &nvrtcGetPTX);

    // NVRTC's outputs all come as a size query followed by a copy into a buffer of that size.
    static byte[] ReadOutput(nint program, delegate*<nint, nuint*, int> getSize, delegate*<nint, byte*, int> get)
    {
        nuint size;
        Check(getSize(program, &size), "nvrtcGet*Size");
        byte[] buffer = new byte[size];
        fixed (byte* p = buffer) Check(get(program, p), "nvrtcGet*");
        return buffer;
    }
}
