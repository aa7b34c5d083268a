namespace Bert.Runtime.Distributed;

/// <summary>How an all-reduce combines the ranks' values, element by element.</summary>
public enum ReduceOperation
{
    /// <summary>The sum over ranks.</summary>
    Sum,
    /// <summary>The mean over ranks (NCCL's ncclAvg: the sum times 1/world, in one pass).</summary>
    Average,
}
