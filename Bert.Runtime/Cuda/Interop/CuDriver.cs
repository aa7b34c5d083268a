using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bert.Runtime.Cuda.Interop;

/// <summary>
/// The few CUDA driver API calls (libcuda.so.1, cuda.h) ILGPU does not offer: events that order one stream after
/// another (data-parallel training queues all-reduces on a communication stream beside the compute stream, which
/// ILGPU's streams cannot express), and error names. Handles are opaque pointers (<c>nint</c>). Every function
/// returns a <c>CUresult</c>; pass it to <see cref="Check"/>.
/// </summary>
internal static unsafe partial class CuDriver
{
    const string Lib = "cuda";

    static CuDriver() => CudaLibraries.EnsureResolver();

    // An event only for ordering streams: no timestamp, cheaper to record and wait on.
    public const uint EventDisableTiming = 2;

    [LibraryImport(Lib)] public static partial int cuStreamWaitEvent(nint stream, nint evt, uint flags);
    [LibraryImport(Lib)] public static partial int cuEventCreate(nint* evt, uint flags);
    [LibraryImport(Lib)] public static partial int cuEventRecord(nint evt, nint stream);
    [LibraryImport(Lib)] public static partial int cuEventDestroy_v2(nint evt);

    [LibraryImport(Lib)] public static partial int cuGetErrorName(int error, byte** name);
    [LibraryImport(Lib)] public static partial int cuGetErrorString(int error, byte** text);

    /// <summary>Throws <see cref="CudaException"/> naming the call when <paramref name="result"/> is not CUDA_SUCCESS.</summary>
    public static void Check(int result, [CallerArgumentExpression(nameof(result))] string call = "")
    {
        if (result != 0) throw new CudaException(NativeCall.FunctionName(call), Describe(result));
    }

    /// <summary>"CUDA_ERROR_OUT_OF_MEMORY (2): out of memory", or the bare code when the driver does not know it.</summary>
    public static string Describe(int result)
    {
        byte* name = null, text = null;
        if (cuGetErrorName(result, &name) != 0 || cuGetErrorString(result, &text) != 0)
            return $"CUresult {result}";
        return $"{Marshal.PtrToStringUTF8((nint)name)} ({result}): {Marshal.PtrToStringUTF8((nint)text)}";
    }
}
