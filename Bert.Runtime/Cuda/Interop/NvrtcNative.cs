using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bert.Runtime.Cuda.Interop;

/// <summary>
/// NVRTC (nvrtc.h): compiles CUDA C++ to PTX or CUBIN in-process, without a GPU. The library file is the
/// newest of libnvrtc.so.13, .so.12, .so.11.2 (NVRTC 11.x, e.g. Debian's 11.8) and libnvrtc.so.
/// </summary>
internal static unsafe partial class NvrtcNative
{
    const string Lib = "nvrtc";

    static NvrtcNative() => CudaLibraries.EnsureResolver();

    [LibraryImport(Lib)] public static partial int nvrtcVersion(int* major, int* minor);
    [LibraryImport(Lib)] public static partial int nvrtcGetNumSupportedArchs(int* count);
    [LibraryImport(Lib)] public static partial int nvrtcGetSupportedArchs(int* archs);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int nvrtcCreateProgram(nint* program, string source, string name,
        int headerCount, string[]? headers, string[]? includeNames);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int nvrtcCompileProgram(nint program, int optionCount, string[] options);
    [LibraryImport(Lib)] public static partial int nvrtcDestroyProgram(nint* program);

    [LibraryImport(Lib)] public static partial int nvrtcGetProgramLogSize(nint program, nuint* size);
    [LibraryImport(Lib)] public static partial int nvrtcGetProgramLog(nint program, byte* log);
    [LibraryImport(Lib)] public static partial int nvrtcGetPTXSize(nint program, nuint* size);
    [LibraryImport(Lib)] public static partial int nvrtcGetPTX(nint program, byte* ptx);
    [LibraryImport(Lib)] public static partial int nvrtcGetCUBINSize(nint program, nuint* size);
    [LibraryImport(Lib)] public static partial int nvrtcGetCUBIN(nint program, byte* cubin);

    [LibraryImport(Lib)] public static partial byte* nvrtcGetErrorString(int result);

    /// <summary>nvrtcResult value for a program that failed to compile (its log says why).</summary>
    public const int ErrorCompilation = 6;

    /// <summary>Throws <see cref="CudaException"/> naming the call when <paramref name="result"/> is not NVRTC_SUCCESS.</summary>
    public static void Check(int result, [CallerArgumentExpression(nameof(result))] string call = "")
    {
        if (result != 0)
            throw new CudaException(NativeCall.FunctionName(call), $"{Marshal.PtrToStringUTF8((nint)nvrtcGetErrorString(result))} ({result})");
    }
}
