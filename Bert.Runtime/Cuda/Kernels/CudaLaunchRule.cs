namespace Bert.Runtime.Cuda.Kernels;

/// <summary>
/// How a generated kernel is launched, fixed at generation time: a block shape, how many work items
/// (elements, rows, tiles — whatever the kernel's indexing means) each block covers along grid.x, and
/// its dynamic shared memory. At run time only the work-item count and the y/z grid extents (e.g.
/// heads × batch) are supplied.
/// </summary>
public sealed record CudaLaunchRule(Dim3 Block, int ItemsPerBlock, int SharedMemoryBytes = 0)
{
    /// <summary>One work item per thread of a 1-D block: the usual elementwise launch.</summary>
    public static CudaLaunchRule Elementwise(uint threads = 256) => new(new Dim3(threads), (int)threads);

    /// <summary>One block of <paramref name="threads"/> per row: the usual row reduction launch (softmax, layer norm).</summary>
    public static CudaLaunchRule PerRow(uint threads, int sharedMemoryBytes = 0) => new(new Dim3(threads), 1, sharedMemoryBytes);

    /// <summary>The launch for <paramref name="workItems"/> items: ceil(items / ItemsPerBlock) blocks along x.</summary>
    public LaunchConfig For(long workItems, uint gridY = 1, uint gridZ = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workItems);
        long blocks = (workItems + ItemsPerBlock - 1) / ItemsPerBlock;
        if (blocks > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(workItems), $"{workItems:N0} work items need {blocks:N0} blocks, over CUDA's 2^31-1 grid.x limit.");
        return new LaunchConfig(new Dim3((uint)blocks, gridY, gridZ), Block, SharedMemoryBytes);
    }
}
