namespace Bert.Runtime.Cuda;

/// <summary>
/// Bump-pointer bookkeeping for a <see cref="DeviceArena"/>: hands out aligned offsets into a fixed
/// capacity and forgets them all on <see cref="Reset"/>. Pure arithmetic, so it is testable without a GPU.
/// </summary>
public sealed class ArenaLayout(long capacity, int alignment = ArenaLayout.DefaultAlignment)
{
    /// <summary>cudaMalloc's own alignment: enough for any vector load and for cuBLAS.</summary>
    public const int DefaultAlignment = 256;

    public long Capacity { get; } = capacity;

    public long Used { get; private set; }

    /// <summary>Returns the offset of a new <paramref name="bytes"/>-long block; throws when the arena is full.</summary>
    public long Reserve(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        long offset = (Used + alignment - 1) / alignment * alignment;
        if (offset + bytes > Capacity)
            throw new InvalidOperationException(
                $"Device arena is full: {bytes:N0} bytes requested, {Capacity - Used:N0} of {Capacity:N0} free. Create a larger arena.");
        Used = offset + bytes;
        return offset;
    }

    public void Reset() => Used = 0;
}
