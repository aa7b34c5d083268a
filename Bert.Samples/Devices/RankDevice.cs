using Bert.Runtime;
using Bert.Runtime.Distributed;

namespace Bert.Samples.Devices;

/// <summary>
/// The device of one process of a data-parallel run: GPU <c>LOCAL_RANK</c> of its machine, as torchrun and mpirun
/// launch one process per GPU. The CPU and another GPU than the local rank's are user errors naming the launcher's
/// variables; a single process keeps what was asked.
/// </summary>
public static class RankDevice
{
    /// <param name="requested">The <c>--device</c> given.</param>
    /// <param name="ordinalGiven">Whether it named a GPU (<c>cuda:N</c>) rather than just <c>cuda</c>.</param>
    public static DeviceSpec Choose(DeviceSpec requested, bool ordinalGiven, ProcessGroup group)
    {
        if (group.WorldSize == 1) return requested;
        if (requested.Kind == DeviceKind.Cpu)
            throw new UserError($"This process is rank {group.Rank} of a data-parallel run of {group.WorldSize} processes ({group.Source}), " +
                                "and data-parallel training runs on GPUs only: pass --device cuda (each process trains on GPU LOCAL_RANK), " +
                                "or unset those variables to train in one process on the CPU.");
        if (ordinalGiven && requested != group.Device)
            throw new UserError($"--device {requested} disagrees with this process's GPU: rank {group.Rank} of {group.WorldSize} has local rank " +
                                $"{group.LocalRank} ({group.Source}), so it trains on {group.Device}. Pass --device cuda and let the local rank " +
                                "choose, or pick the GPUs with CUDA_VISIBLE_DEVICES.");
        return group.Device;
    }
}
