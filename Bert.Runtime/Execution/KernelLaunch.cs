namespace Bert.Runtime.Execution;

/// <summary>What a generated GPU kernel's grid covers.</summary>
public enum GridRule
{
    /// <summary>Elements: ⌈work / block⌉ blocks (capped; the kernel's grid-stride loop covers the rest).</summary>
    GridStride,
    /// <summary>Rows: exactly one block per row.</summary>
    BlockPerRow,
}

/// <summary>How one kernel argument is passed.</summary>
public enum KernelArgumentKind
{
    /// <summary>A device address of floats.</summary>
    FloatPointer,
    /// <summary>A device address of ints.</summary>
    IntPointer,
    Float,
    Int,
    /// <summary>A 64-bit unsigned scalar (random seeds).</summary>
    UInt64,
    /// <summary>A run-time dimension, passed as int.</summary>
    Dimension,
}

public sealed record KernelArgument(string Name, KernelArgumentKind Kind);

/// <summary>
/// Launch metadata of one generated GPU kernel: its method name in the model's <c>IlgpuKernels</c> class, its group
/// (block) size, the grid rule and the work it covers (<c>WorkCoefficient × Π WorkSymbols</c>
/// elements or rows), and its arguments in order.
/// </summary>
public sealed record KernelLaunch(
    string Kernel,
    GridRule Grid,
    int BlockSize,
    long WorkCoefficient,
    string[] WorkSymbols,
    KernelArgument[] Arguments)
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
        return Grid == GridRule.BlockPerRow
            ? checked((int)work)
            : (int)Math.Min((work + BlockSize - 1) / BlockSize, MaxGridStrideBlocks);
    }
}
