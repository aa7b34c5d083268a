using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Algorithms.ScanReduceOperations;
using ILGPU.Runtime;

namespace Bert.Runtime.Execution;

/// <summary>
/// The group-wide reduction generated GPU kernels (and the runtime's own) use: every thread of the group gets the
/// combination of all threads' values. On a GPU it is ILGPU.Algorithms' <c>GroupExtensions.AllReduce</c> (warp
/// shuffles). On ILGPU's CPU accelerator (the simulator) it is thread 0 combining the group's values in thread
/// order through shared memory: ILGPU.Algorithms' CPU reduction goes through float atomics that compare values, and a
/// NaN (never equal to itself) makes them spin forever, where a model's NaN must reach the trainer's divergence check.
/// The simulator's groups hold at most 16 threads, so the sequential combine costs nothing. <see cref="Accelerator.CurrentType"/>
/// is folded when ILGPU compiles the kernel, so each target gets one branch.
/// </summary>
public static class GroupReduce
{
    /// <summary>Shared slots on the simulator: one per thread of the largest group any accelerator allows.</summary>
    const int MaxGroupSize = 1024;

    public static T AllReduce<T, TOperation>(T value)
        where T : unmanaged
        where TOperation : struct, IScanReduceOperation<T>
    {
        if (Accelerator.CurrentType != AcceleratorType.CPU) return GroupExtensions.AllReduce<T, TOperation>(value);
        var slots = SharedMemory.Allocate<T>(MaxGroupSize);
        slots[Group.IdxX] = value;
        Group.Barrier();
        if (Group.IdxX == 0)
        {
            T total = slots[0];
            for (int i = 1; i < Group.DimX; i++) total = default(TOperation).Apply(total, slots[i]);
            slots[0] = total;
        }
        Group.Barrier();
        T result = slots[0];
        Group.Barrier();   // every thread has read the result before a later reduction reuses the slots
        return result;
    }
}
