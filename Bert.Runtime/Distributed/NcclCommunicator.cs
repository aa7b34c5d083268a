using Bert.Runtime.Cuda;
using Bert.Runtime.Cuda.Interop;
using Bert.Runtime.Gpu;
using static Bert.Runtime.Cuda.Interop.NcclNative;

namespace Bert.Runtime.Distributed;

/// <summary>
/// An NCCL communicator: this process's GPU joined to the same GPU of every other rank of a <see cref="ProcessGroup"/>,
/// for all-reduces queued on CUDA streams. <see cref="Open"/> runs the TCP rendezvous (rank 0's unique id to all),
/// then <c>ncclCommInitRank</c>, which returns once every rank has joined. A world of one is a valid communicator
/// whose all-reduces copy (sum) or keep (average) the values, so one GPU runs the same code as many.
/// Every rank must issue the same collectives in the same order.
/// </summary>
public sealed unsafe class NcclCommunicator : IDisposable
{
    /// <summary>The oldest NCCL accepted: 2.10 introduced ncclAvg, which averages gradients without an extra pass.</summary>
    public static readonly Version MinimumVersion = new(2, 10);

    /// <summary>How long <see cref="Open"/> waits for the other ranks by default.</summary>
    public static readonly TimeSpan DefaultRendezvousTimeout = TimeSpan.FromMinutes(5);

    nint comm;

    NcclCommunicator(nint comm, ProcessGroup group, GpuDevice device)
    {
        this.comm = comm;
        Group = group;
        Device = device;
    }

    /// <summary>Whether libnccl.so.2 loads on this machine (see <see cref="Version"/> for the reason when it does not).</summary>
    public static bool IsAvailable => CudaLibraries.Nccl.IsAvailable;

    /// <summary>The installed NCCL's version; throws <see cref="CudaUnavailableException"/> naming how to install NCCL when it is missing.</summary>
    public static Version Version
    {
        get
        {
            CudaLibraries.Nccl.EnsureLoaded();
            int code;
            Check(ncclGetVersion(&code));
            return DecodeVersion(code);
        }
    }

    /// <summary>
    /// Throws <see cref="CudaUnavailableException"/> naming how to install NCCL when it is missing or older than
    /// <see cref="MinimumVersion"/> (before a data-parallel run reads its data).
    /// </summary>
    public static void Require()
    {
        var version = Version;
        if (version < MinimumVersion)
            throw new CudaUnavailableException("NCCL",
                $"NCCL {version} (loaded from {CudaLibraries.Nccl.LoadedFile}) is older than {MinimumVersion}, which data-parallel training needs; install a newer libnccl2 or nvidia-nccl-cu12.");
    }

    /// <summary>
    /// Joins <paramref name="device"/> (the GPU of <paramref name="group"/>'s local rank) to the other ranks. Blocks until
    /// every rank has called it; throws <see cref="UserError"/> when they do not meet within <paramref name="rendezvousTimeout"/>
    /// and <see cref="CudaUnavailableException"/> when NCCL is missing or older than <see cref="MinimumVersion"/>.
    /// </summary>
    public static NcclCommunicator Open(ProcessGroup group, GpuDevice device, TimeSpan? rendezvousTimeout = null)
    {
        Require();
        device.MakeCurrent();
        byte[] id = TcpRendezvous.ShareAsync(group, CreateUniqueId, rendezvousTimeout ?? DefaultRendezvousTimeout).GetAwaiter().GetResult();
        if (id.Length != UniqueIdBytes)
            throw new UserError($"Rank 0 sent a {id.Length}-byte NCCL id instead of {UniqueIdBytes} bytes: every rank must run the same program.");
        UniqueId unique = default;
        id.CopyTo(new Span<byte>(unique.Internal, UniqueIdBytes));
        nint comm;
        Check(ncclCommInitRank(&comm, group.WorldSize, unique, group.Rank));
        return new NcclCommunicator(comm, group, device);
    }

    static byte[] CreateUniqueId()
    {
        UniqueId unique = default;
        Check(ncclGetUniqueId(&unique));
        return new ReadOnlySpan<byte>(unique.Internal, UniqueIdBytes).ToArray();
    }

    public ProcessGroup Group { get; }
    public GpuDevice Device { get; }

    /// <summary>
    /// Queues on <paramref name="stream"/> (a <c>CUstream</c>) the in-place all-reduce of the floats in <paramref name="buffer"/> (on
    /// <see cref="Device"/>); returns without waiting. Every rank must pass a buffer of the same size.
    /// </summary>
    public void AllReduce(DeviceMemory buffer, ReduceOperation operation, nint stream)
    {
        ObjectDisposedException.ThrowIf(comm == 0, this);
        if (buffer.Bytes % sizeof(float) != 0)
            throw new ArgumentException($"An all-reduce of floats needs a whole number of them, not {buffer.Bytes} bytes.", nameof(buffer));
        Check(ncclAllReduce(buffer.Pointer, buffer.Pointer, (nuint)(buffer.Bytes / sizeof(float)), Float32,
            operation == ReduceOperation.Sum ? Sum : Avg, comm, stream));
    }

    /// <summary>
    /// Queues the all-reduces of <paramref name="buffers"/> as one NCCL group (one fused launch) on <paramref name="stream"/>.
    /// </summary>
    public void AllReduce(ReadOnlySpan<DeviceMemory> buffers, ReduceOperation operation, nint stream)
    {
        Check(ncclGroupStart());
        try
        {
            foreach (var buffer in buffers) AllReduce(buffer, operation, stream);
        }
        finally
        {
            Check(ncclGroupEnd());
        }
    }

    /// <summary>
    /// Tears the communicator down without waiting for queued collectives: after another rank failed, when a clean
    /// <see cref="Dispose"/> would wait forever for it.
    /// </summary>
    public void Abort()
    {
        if (comm == 0) return;
        Check(ncclCommAbort(comm));
        comm = 0;
    }

    public void Dispose()
    {
        if (comm == 0) return;
        Device.MakeCurrent();
        Check(ncclCommDestroy(comm));
        comm = 0;
    }
}
