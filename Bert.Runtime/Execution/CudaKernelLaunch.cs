namespace Bert.Runtime.Execution;

/// <summary>What a generated CUDA kernel's grid covers.</summary>
public enum CudaGridRule
{
    /// <summary>Elements: ⌈work / block⌉ blocks (capped; the kernel's grid-stride loop covers the rest).</summary>
    GridStride,
    /// <summary>Rows: exactly one block per row.</summary>
    BlockPerRow,
}

/// <summary>How one kernel argument is passed.</summary>
public enum CudaArgumentKind
{
    /// <summary>Device pointer to floats.</summary>
    FloatPointer,
    /// <summary>Device pointer to ints.</summary>
    IntPointer,
    Float,
    Int,
    /// <summary>unsigned long long (random seeds).</summary>
    UInt64,
    /// <summary>A run-time dimension, passed as int.</summary>
    Dimension,
}

public sealed record CudaKernelArgument(string Name, CudaArgumentKind Kind);

/// <summary>
/// Launch metadata of one generated CUDA kernel: the <c>extern "C"</c> name in the model's CUDA source, its block
/// size and dynamic shared memory, the grid rule and the work it covers (<c>WorkCoefficient × Π WorkSymbols</c>
/// elements or rows), and its arguments in order.
/// </summary>
public sealed record CudaKernelLaunch(
    string Kernel,
    CudaGridRule Grid,
    int BlockSize,
    int SharedMemoryBytes,
    long WorkCoefficient,
    string[] WorkSymbols,
    CudaKernelArgument[] Arguments)
{
    /// <summary>The most blocks a grid-stride launch uses.</summary>
    public const int MaxGridStrideBlocks = 65535;

    /// <summary>Elements or rows to cover for the given dimension values.</summary>
    public long Work(IReadOnlyDictionary<string, int> dimensions) =>
        WorkSymbols.Aggregate(WorkCoefficient, (product, symbol) => product * dimensions[symbol]);

    /// <summary>Blocks to launch for the given dimension values.</summary>
    public int GridSize(IReadOnlyDictionary<string, int> dimensions) => GridSize(Work(dimensions));

    /// <summary>Blocks to launch over <paramref name="work"/> elements (grid-stride) or rows (block per row).</summary>
    public int GridSize(long work)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(work);
        return Grid == CudaGridRule.BlockPerRow
            ? checked((int)work)
            : (int)Math.Min((work + BlockSize - 1) / BlockSize, MaxGridStrideBlocks);
    }
}
