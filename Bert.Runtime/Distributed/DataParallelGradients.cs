using Bert.Runtime.Cuda;
using Bert.Runtime.Execution;
using Bert.Runtime.Gpu;
using Bert.Runtime.Training;
using ILGPU.Runtime.Cuda;

namespace Bert.Runtime.Distributed;

/// <summary>
/// Averages a <see cref="GpuSession"/>'s gradients over the ranks of a communicator, overlapped with backward. It listens
/// to the generated <c>BackwardOn</c> (<see cref="GpuSession.GradientsReady"/>): when every gradient of the next
/// <see cref="GradientBucket"/> is final, it records an event on the compute stream, makes its own communication
/// stream wait for it and queues the bucket's all-reduce there, while the compute stream goes on with backward.
/// <see cref="Finish"/> makes the compute stream wait for every reduction, so what is queued next (gradient norm,
/// optimizer) sees gradients averaged over ranks. The 1/world factor is NCCL's: the buckets are reduced with
/// ncclAvg, so the loss scale, gradient norm and optimizer need no change. Buckets go to NCCL strictly in order,
/// the same on every rank (each runs the same program), as NCCL requires.
/// </summary>
public sealed class DataParallelGradients : IGradientListener, IGradientSynchronizer, IDisposable
{
    readonly GpuSession session;
    readonly NcclCommunicator communicator;
    readonly int[] bucketOf;
    readonly int[] unreported;
    readonly bool[] reported;
    readonly nint compute;
    readonly CudaStream communication;
    readonly CudaEvent[] bucketReady;
    readonly CudaEvent reduced;
    readonly DeviceMemory[][] bucketMemory;
    int nextBucket;
    bool disposed;

    /// <summary>
    /// Plans the buckets (about <paramref name="bucketBytes"/> each, <see cref="GradientBuckets.DefaultBucketBytes"/> by
    /// default) from the session program's ready order and starts listening to the session's backward passes.
    /// </summary>
    public DataParallelGradients(GpuSession session, NcclCommunicator communicator, long bucketBytes = GradientBuckets.DefaultBucketBytes)
    {
        if (session.Program.GradientReadyOrder.Count == 0)
            throw new CompiledModelException($"{session.Program.Name}'s GPU program does not report when gradients are final: rebuild it with the current generator.");
        if (session.Device.Accelerator is not CudaAccelerator accelerator)
            throw new ArgumentException($"Data-parallel training needs CUDA GPUs; the session runs on {session.Device}.", nameof(session));
        if (communicator.Device.Spec != session.Device.Spec)
            throw new ArgumentException($"The communicator runs on {communicator.Device} but the session on {session.Device}: open both on the process group's device.", nameof(communicator));
        if (session.GradientListener != null)
            throw new InvalidOperationException("The GPU session already has a gradient listener; dispose it first.");
        this.session = session;
        this.communicator = communicator;
        Buckets = GradientBuckets.Plan([.. session.Parameters.Select(p => p.Elements)], session.Program.GradientReadyOrder, bucketBytes);
        bucketOf = new int[session.Parameters.Count];
        foreach (var bucket in Buckets)
            foreach (int p in bucket.Parameters) bucketOf[p] = bucket.Index;
        unreported = [.. Buckets.Select(b => b.Parameters.Count)];
        reported = new bool[session.Parameters.Count];
        var gradients = session.GradientMemory;
        bucketMemory = [.. Buckets.Select(b => b.Ranges.Select(r => gradients.Slice(r.Start * sizeof(float), r.Length * sizeof(float))).ToArray())];
        compute = ((CudaStream)session.Stream).StreamPtr;

        session.Device.MakeCurrent();
        var created = new List<IDisposable>();
        try
        {
            // Non-blocking: the legacy-stream clears and copies of the compute side must not wait for reductions.
            communication = Track(accelerator.CreateStream(StreamFlags.CU_STREAM_NON_BLOCKING), created);
            bucketReady = [.. Buckets.Select(_ => Track(new CudaEvent(), created))];
            reduced = Track(new CudaEvent(), created);
        }
        catch
        {
            foreach (var resource in created) resource.Dispose();
            throw;
        }
        session.GradientListener = this;
    }

    static T Track<T>(T resource, List<IDisposable> created) where T : IDisposable
    {
        created.Add(resource);
        return resource;
    }

    public IReadOnlyList<GradientBucket> Buckets { get; }

    /// <summary>Buckets handed to NCCL so far in the current backward pass.</summary>
    public int BucketsStarted => nextBucket;

    void IGradientListener.GradientsReady(ReadOnlySpan<int> parameters)
    {
        foreach (int p in parameters)
        {
            if (p < 0 || p >= reported.Length)
                throw new ArgumentOutOfRangeException(nameof(parameters), p, $"the session has {reported.Length} parameters");
            if (reported[p])
                throw new InvalidOperationException($"The gradient of {session.Parameters[p].Name} was reported final twice: call Finish after every BackwardOn.");
            reported[p] = true;
            unreported[bucketOf[p]]--;
        }
        while (nextBucket < Buckets.Count && unreported[nextBucket] == 0) StartNextBucket();
    }

    void StartNextBucket()
    {
        bucketReady[nextBucket].Record(compute);
        bucketReady[nextBucket].MakeWait(communication.StreamPtr);
        communicator.AllReduce(bucketMemory[nextBucket], ReduceOperation.Average, communication.StreamPtr);
        nextBucket++;
    }

    /// <summary>
    /// Call after <c>BackwardOn</c>: queues the buckets not started yet (all of them when a pass reported nothing),
    /// then makes the session's stream wait for every reduction. Returns without waiting; work queued on the session
    /// afterwards sees the averaged gradients. Resets for the next backward pass.
    /// </summary>
    public void Finish()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        session.Device.MakeCurrent();
        while (nextBucket < Buckets.Count) StartNextBucket();
        reduced.Record(communication.StreamPtr);
        reduced.MakeWait(compute);
        nextBucket = 0;
        Array.Clear(reported);
        foreach (var bucket in Buckets) unreported[bucket.Index] = bucket.Parameters.Count;
    }

    /// <summary>The trainer's hook (<see cref="TrainingBackend.GradientSynchronizer"/>): <see cref="Finish"/>.</summary>
    void IGradientSynchronizer.Synchronize() => Finish();

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        if (ReferenceEquals(session.GradientListener, this)) session.GradientListener = null;
        session.Device.MakeCurrent();
        communication.Synchronize();
        foreach (var e in bucketReady) e.Dispose();
        reduced.Dispose();
        communication.Dispose();
    }
}
