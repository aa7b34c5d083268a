using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bert.Runtime.Cuda.Interop;

/// <summary>
/// The subset of the CUDA driver API (libcuda.so.1, cuda.h) the runtime uses. Handles are opaque
/// pointers (<c>nint</c>); device pointers are <c>CUdeviceptr</c> (<c>ulong</c>). Every function
/// returns a <c>CUresult</c>; pass it to <see cref="Check"/>.
/// </summary>
internal static unsafe partial class CuDriver
{
    const string Lib = "cuda";

    static CuDriver() => CudaLibraries.EnsureResolver();

    // CUdevice_attribute values (cuda.h).
    public const int AttributeMultiprocessorCount = 16;
    public const int AttributeComputeCapabilityMajor = 75;
    public const int AttributeComputeCapabilityMinor = 76;
    public const int AttributeMaxSharedMemoryPerBlockOptin = 97;

    // CUfunction_attribute: lets a kernel use more than 48 KiB of dynamic shared memory.
    public const int FunctionAttributeMaxDynamicSharedSizeBytes = 8;

    // A blocking stream orders itself after the synchronous copies of the legacy default stream.
    public const uint StreamDefault = 0;
    // A non-blocking stream does not order itself with the legacy default stream (communication beside compute).
    public const uint StreamNonBlocking = 1;
    public const uint EventDefault = 0;
    // An event only for ordering streams: no timestamp, cheaper to record and wait on.
    public const uint EventDisableTiming = 2;

    [LibraryImport(Lib)] public static partial int cuInit(uint flags);
    [LibraryImport(Lib)] public static partial int cuDeviceGetCount(int* count);
    [LibraryImport(Lib)] public static partial int cuDeviceGet(int* device, int ordinal);
    [LibraryImport(Lib)] public static partial int cuDeviceGetAttribute(int* value, int attribute, int device);
    [LibraryImport(Lib)] public static partial int cuDeviceGetName(byte* name, int length, int device);
    [LibraryImport(Lib)] public static partial int cuDeviceTotalMem_v2(nuint* bytes, int device);

    [LibraryImport(Lib)] public static partial int cuDevicePrimaryCtxRetain(nint* context, int device);
    [LibraryImport(Lib)] public static partial int cuDevicePrimaryCtxRelease_v2(int device);
    [LibraryImport(Lib)] public static partial int cuCtxSetCurrent(nint context);
    [LibraryImport(Lib)] public static partial int cuCtxSynchronize();

    [LibraryImport(Lib)] public static partial int cuModuleLoadData(nint* module, void* image);
    [LibraryImport(Lib)] public static partial int cuModuleUnload(nint module);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int cuModuleGetFunction(nint* function, nint module, string name);
    [LibraryImport(Lib)] public static partial int cuFuncSetAttribute(nint function, int attribute, int value);
    [LibraryImport(Lib)]
    public static partial int cuLaunchKernel(nint function, uint gridX, uint gridY, uint gridZ,
        uint blockX, uint blockY, uint blockZ, uint sharedMemBytes, nint stream, void** kernelParams, void** extra);

    [LibraryImport(Lib)] public static partial int cuMemAlloc_v2(ulong* pointer, nuint bytes);
    [LibraryImport(Lib)] public static partial int cuMemFree_v2(ulong pointer);
    [LibraryImport(Lib)] public static partial int cuMemcpyHtoD_v2(ulong destination, void* source, nuint bytes);
    [LibraryImport(Lib)] public static partial int cuMemcpyDtoH_v2(void* destination, ulong source, nuint bytes);
    [LibraryImport(Lib)] public static partial int cuMemsetD8_v2(ulong destination, byte value, nuint count);

    [LibraryImport(Lib)] public static partial int cuStreamCreate(nint* stream, uint flags);
    [LibraryImport(Lib)] public static partial int cuStreamSynchronize(nint stream);
    [LibraryImport(Lib)] public static partial int cuStreamDestroy_v2(nint stream);
    [LibraryImport(Lib)] public static partial int cuStreamWaitEvent(nint stream, nint evt, uint flags);

    [LibraryImport(Lib)] public static partial int cuEventCreate(nint* evt, uint flags);
    [LibraryImport(Lib)] public static partial int cuEventRecord(nint evt, nint stream);
    [LibraryImport(Lib)] public static partial int cuEventSynchronize(nint evt);
    [LibraryImport(Lib)] public static partial int cuEventElapsedTime(float* milliseconds, nint start, nint end);
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
