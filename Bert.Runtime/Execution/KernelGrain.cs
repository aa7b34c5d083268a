namespace Bert.Runtime.Execution;

/// <summary>How finely generated CPU kernels split their loops across threads.</summary>
public static class KernelGrain
{
    /// <summary>The fewest elements one parallel chunk handles: below this, fanning out costs more than it saves.</summary>
    public const int Elements = 16384;

    /// <summary>
    /// The fewest columns one chunk of a loop split by columns handles (rows that add into each other's elements):
    /// whole cache lines, several per row, so each thread streams its share of every row.
    /// </summary>
    public const int Columns = 64;

    /// <summary>The fewest rows of <paramref name="cols"/> elements one parallel chunk handles.</summary>
    public static int Rows(int cols) => Math.Max(1, Elements / Math.Max(1, cols));
}
