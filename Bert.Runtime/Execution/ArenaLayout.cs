namespace Bert.Runtime.Execution;

/// <summary>
/// Lays out a generated model's arena for the bound dimensions: regions one after another, each as large as the
/// largest tensor that shares it and starting on a 64-byte boundary (whole cache lines; vector loads of a row that
/// starts there never straddle two lines, and large outputs can be streamed). Kernels index tensors with int, so no
/// tensor may exceed int.MaxValue elements.
/// </summary>
public sealed class ArenaLayout
{
    /// <summary>Regions start at multiples of this many elements (64 bytes of floats or ints).</summary>
    public const int RegionAlignment = 16;

    /// <summary>Total elements laid out so far.</summary>
    public long Elements { get; private set; }

    /// <summary>Reserves a region for tensors of the given element counts (which share it); returns its offset.</summary>
    public long Add(params ReadOnlySpan<long> memberElements)
    {
        long size = 0;
        foreach (long elements in memberElements) size = Math.Max(size, elements);
        if (size > int.MaxValue)
            throw new CompiledModelException($"A tensor of {size:N0} elements is too large for the kernels (at most {int.MaxValue:N0}); bind smaller dimensions.");
        long offset = (Elements + RegionAlignment - 1) / RegionAlignment * RegionAlignment;
        Elements = offset + size;
        return offset;
    }
}
