namespace Bert.Runtime.Cuda;

/// <summary>A range of GPU memory (a <c>CUdeviceptr</c> and a size); a view, it owns nothing.</summary>
public readonly record struct DeviceMemory(ulong Pointer, long Bytes)
{
    /// <summary>The sub-range starting <paramref name="offsetBytes"/> in, <paramref name="bytes"/> long.</summary>
    public DeviceMemory Slice(long offsetBytes, long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offsetBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offsetBytes + bytes, Bytes);
        return new DeviceMemory(Pointer + (ulong)offsetBytes, bytes);
    }
}
