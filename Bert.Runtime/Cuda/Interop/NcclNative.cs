using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bert.Runtime.Cuda.Interop;

/// <summary>
/// The NCCL calls the runtime uses (nccl.h, libnccl.so.2). Communicators are opaque pointers; streams are the driver
/// API's <c>CUstream</c> handles (the same objects as <c>cudaStream_t</c>). Every function returns an
/// <c>ncclResult_t</c>; pass it to <see cref="Check"/>.
/// </summary>
internal static unsafe partial class NcclNative
{
    const string Lib = "nccl";

    static NcclNative() => CudaLibraries.EnsureResolver();

    /// <summary>Bytes of an <c>ncclUniqueId</c>: what rank 0 creates and every other rank must receive.</summary>
    public const int UniqueIdBytes = 128;

    // ncclDataType_t
    public const int Float32 = 7;

    // ncclRedOp_t (ncclAvg needs NCCL 2.10 or newer)
    public const int Sum = 0, Avg = 4;

    /// <summary><c>ncclUniqueId</c>, passed by value to <see cref="ncclCommInitRank"/>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct UniqueId
    {
        public fixed byte Internal[UniqueIdBytes];
    }

    [LibraryImport(Lib)] public static partial int ncclGetVersion(int* version);
    [LibraryImport(Lib)] public static partial int ncclGetUniqueId(UniqueId* uniqueId);
    [LibraryImport(Lib)] public static partial int ncclCommInitRank(nint* comm, int nranks, UniqueId commId, int rank);
    [LibraryImport(Lib)] public static partial int ncclCommDestroy(nint comm);
    [LibraryImport(Lib)] public static partial int ncclCommAbort(nint comm);
    [LibraryImport(Lib)]
    public static partial int ncclAllReduce(ulong sendbuff, ulong recvbuff, nuint count, int datatype, int op, nint comm, nint stream);
    [LibraryImport(Lib)] public static partial int ncclGroupStart();
    [LibraryImport(Lib)] public static partial int ncclGroupEnd();
    [LibraryImport(Lib)] public static partial byte* ncclGetErrorString(int result);

    /// <summary>Throws <see cref="CudaException"/> naming the call when <paramref name="result"/> is not ncclSuccess.</summary>
    public static void Check(int result, [CallerArgumentExpression(nameof(result))] string call = "")
    {
        if (result != 0)
            throw new CudaException(NativeCall.FunctionName(call), $"{Marshal.PtrToStringUTF8((nint)ncclGetErrorString(result))} (ncclResult_t {result})");
    }

    /// <summary>NCCL's version code as a version: 2.18.5 from 21805 (2.9 and later) or 2805 (older releases).</summary>
    public static Version DecodeVersion(int code) => code >= 10000
        ? new Version(code / 10000, code / 100 % 100, code % 100)
        : new Version(code / 1000, code / 100 % 10, code % 100);
}
