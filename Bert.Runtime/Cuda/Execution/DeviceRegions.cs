namespace Bert.Runtime.Cuda.Execution;

/// <summary>
/// The named device allocations of a <see cref="GpuSession"/> (parameters, gradients, arena…), so a copy, a fill
/// or a GEMM operand can be checked to lie inside one of them before the GPU touches it. A miss means the
/// generated program and the session disagree about the layout: it fails here with both ranges named, instead
/// of corrupting memory.
/// </summary>
public sealed class DeviceRegions
{
    readonly Dictionary<string, (ulong Start, long Bytes)> regions = new(StringComparer.Ordinal);

    /// <summary>Adds or replaces (after a reallocation) the region called <paramref name="name"/>.</summary>
    public void Set(string name, ulong start, long bytes) => regions[name] = (start, bytes);

    /// <summary>Throws when [<paramref name="address"/>, +<paramref name="bytes"/>) is not inside a single region.</summary>
    public void Require(ulong address, long bytes, string role)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        foreach (var (start, size) in regions.Values)
            if (address >= start && address - start <= (ulong)size && (ulong)bytes <= (ulong)size - (address - start))
                return;
        string known = string.Join(", ", regions.Select(r => $"{r.Key} [0x{r.Value.Start:X}, +{r.Value.Bytes:N0} B)"));
        throw new InvalidOperationException(
            $"{role} spans [0x{address:X}, +{bytes:N0} B), outside every buffer of the GPU session ({known}): " +
            "the generated program and the session disagree about the memory layout.");
    }
}
