using Bert.Runtime.Cuda;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Bert.Runtime.Distributed;

/// <summary>
/// Averages a few host values over the ranks (the MLM and NSP losses a trainer reports), through a small device buffer:
/// upload, all-reduce, download, all on the device's default stream, which orders them after the compute queued before.
/// Call it outside a backward pass (after <see cref="DataParallelGradients.Finish"/>), in the same order on every rank.
/// </summary>
public sealed class RankAverage : IDisposable
{
    readonly NcclCommunicator communicator;
    readonly MemoryBuffer1D<float, Stride1D.Dense> buffer;

    /// <summary>Room for up to <paramref name="capacity"/> values per call (two: the MLM and NSP losses).</summary>
    public RankAverage(NcclCommunicator communicator, int capacity = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        this.communicator = communicator;
        communicator.Device.MakeCurrent();
        buffer = communicator.Device.Accelerator.Allocate1D<float>(capacity);
    }

    /// <summary>Replaces each of <paramref name="values"/> by its mean over the ranks; blocks until the result is back.</summary>
    public void Average(Span<float> values)
    {
        if (values.Length > buffer.Length)
            throw new ArgumentException($"At most {buffer.Length} values per call, got {values.Length}.", nameof(values));
        if (values.IsEmpty) return;
        var stream = communicator.Device.Accelerator.DefaultStream;
        var view = buffer.View.SubView(0, values.Length);
        communicator.Device.MakeCurrent();
        view.CopyFromCPU(stream, values);
        communicator.AllReduce(new DeviceMemory((ulong)buffer.NativePtr, values.Length * (long)sizeof(float)), ReduceOperation.Average, ((CudaStream)stream).StreamPtr);
        view.CopyToCPU(stream, values);
        stream.Synchronize();
    }

    public void Dispose() => buffer.Dispose();
}
