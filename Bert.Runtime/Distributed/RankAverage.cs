using Bert.Runtime.Cuda;

namespace Bert.Runtime.Distributed;

/// <summary>
/// Averages a few host values over the ranks (the MLM and NSP losses a trainer reports), through a small device buffer:
/// upload, all-reduce, download, all on the legacy default stream, which orders itself after the compute queued before.
/// Call it outside a backward pass (after <see cref="DataParallelGradients.Finish"/>), in the same order on every rank.
/// </summary>
public sealed class RankAverage : IDisposable
{
    readonly NcclCommunicator communicator;
    readonly DeviceAllocation buffer;
    readonly CudaStream legacyDefault = CudaStream.LegacyDefault;

    /// <summary>Room for up to <paramref name="capacity"/> values per call (two: the MLM and NSP losses).</summary>
    public RankAverage(NcclCommunicator communicator, int capacity = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        this.communicator = communicator;
        communicator.Device.MakeCurrent();
        buffer = communicator.Device.Allocate(capacity * (long)sizeof(float));
    }

    /// <summary>Replaces each of <paramref name="values"/> by its mean over the ranks; blocks until the result is back.</summary>
    public void Average(Span<float> values)
    {
        if (values.Length * (long)sizeof(float) > buffer.Memory.Bytes)
            throw new ArgumentException($"At most {buffer.Memory.Bytes / sizeof(float)} values per call, got {values.Length}.", nameof(values));
        if (values.IsEmpty) return;
        var memory = buffer.Memory.Slice(0, values.Length * (long)sizeof(float));
        communicator.Device.MakeCurrent();
        communicator.Device.Upload<float>(values, memory);
        communicator.AllReduce(memory, ReduceOperation.Average, legacyDefault);
        communicator.Device.Download(memory, values);
    }

    public void Dispose() => buffer.Dispose();
}
