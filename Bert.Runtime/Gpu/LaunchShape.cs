using Bert.Runtime.Execution;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;

namespace Bert.Runtime.Gpu;

/// <summary>
/// Grid and group sizes on an ILGPU accelerator. A group is the launch table's block size capped at the accelerator's
/// (the simulator's groups hold at most 16 threads). A grid-stride kernel's loop covers any number of elements, so its
/// grid is capped: at <see cref="KernelLaunch.MaxGridStrideBlocks"/> on a GPU, and at
/// <see cref="SimulatorGridStrideGroups"/> on the CPU accelerator, where every emulated thread costs time.
/// </summary>
public static class LaunchShape
{
    public const int SimulatorGridStrideGroups = 16;

    /// <summary>The shape of a generated kernel's launch over <paramref name="work"/> elements or rows.</summary>
    public static KernelConfig For(Accelerator accelerator, KernelLaunch launch, long work)
    {
        int group = Math.Min(launch.BlockSize, accelerator.MaxNumThreadsPerGroup);
        return launch.Grid == GridRule.BlockPerRow
            ? new KernelConfig(launch.GridSize(work), group)
            : GridStride(accelerator, work, group);
    }

    /// <summary>
    /// A grid-stride launch over <paramref name="elements"/> with groups of (at most) <paramref name="groupSize"/>,
    /// and at most <paramref name="maxGroups"/> groups.
    /// </summary>
    public static KernelConfig GridStride(Accelerator accelerator, long elements, int groupSize, int maxGroups = int.MaxValue)
    {
        int group = Math.Min(groupSize, accelerator.MaxNumThreadsPerGroup);
        long cap = Math.Min(maxGroups, accelerator is CPUAccelerator ? SimulatorGridStrideGroups : KernelLaunch.MaxGridStrideBlocks);
        return new KernelConfig((int)Math.Clamp((elements + group - 1) / group, 1, cap), group);
    }
}
