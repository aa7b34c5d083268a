using Bert.Runtime.Gpu;
using Bert.Runtime.Training;

namespace Bert.Runtime.Distributed;

/// <summary>
/// What one process of a data-parallel run adds to a single GPU's training: the NCCL communicator to the other
/// ranks, the gradient all-reduce overlapped with backward (<see cref="Gradients"/>, for
/// <see cref="TrainingBackend.GradientSynchronizer"/>), and small all-reduces of what every rank must agree on:
/// the reported losses and whether to stop. Every rank calls the same methods in the same order.
/// </summary>
public sealed class DataParallelTraining : IDisposable
{
    readonly NcclCommunicator communicator;
    readonly DataParallelGradients gradients;
    readonly RankAverage average;

    DataParallelTraining(ProcessGroup group, NcclCommunicator communicator, DataParallelGradients gradients, RankAverage average)
    {
        Group = group;
        this.communicator = communicator;
        this.gradients = gradients;
        this.average = average;
    }

    /// <summary>
    /// Joins <paramref name="session"/>'s GPU to the other ranks of <paramref name="group"/> (blocks until all have
    /// come, see <see cref="NcclCommunicator.Open"/>) and starts averaging the session's gradients.
    /// </summary>
    public static DataParallelTraining Open(ProcessGroup group, GpuSession session, TimeSpan? rendezvousTimeout = null)
    {
        var communicator = NcclCommunicator.Open(group, session.Device, rendezvousTimeout);
        DataParallelGradients? gradients = null;
        try
        {
            gradients = new DataParallelGradients(session, communicator);
            return new DataParallelTraining(group, communicator, gradients, new RankAverage(communicator, capacity: 2));
        }
        catch
        {
            gradients?.Dispose();
            communicator.Dispose();
            throw;
        }
    }

    public ProcessGroup Group { get; }

    /// <summary>Averages the gradients over the ranks once the backward pass is done; hand it to the training backend.</summary>
    public IGradientSynchronizer Gradients => gradients;

    /// <summary>This rank's examples of a global batch of <paramref name="globalBatch"/>.</summary>
    public BatchShard ShardOf(int globalBatch) => BatchShard.Of(globalBatch, Group);

    /// <summary>Replaces each of <paramref name="values"/> (this rank's losses) by its mean over the ranks (NaN on every rank when one rank's is NaN).</summary>
    public void Average(Span<float> values) => average.Average(values);

    /// <summary>Whether <paramref name="value"/> is true on any rank (e.g. one was interrupted: all stop at the same step).</summary>
    public bool AnyRank(bool value)
    {
        Span<float> flag = [value ? 1f : 0f];
        average.Average(flag);
        return flag[0] > 0;
    }

    /// <summary>Tears the communicator down without waiting for the other ranks: after this rank failed mid-run.</summary>
    public void Abort() => communicator.Abort();

    public void Dispose()
    {
        gradients.Dispose();
        average.Dispose();
        communicator.Dispose();
    }
}
