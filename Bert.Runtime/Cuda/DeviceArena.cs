namespace Bert.Runtime.Cuda;

/// <summary>
/// One large device allocation carved into aligned blocks (activations, workspaces) without per-tensor
/// <c>cuMemAlloc</c> calls; <see cref="Reset"/> recycles everything at once, e.g. between steps.
/// </summary>
public sealed class DeviceArena : IDisposable
{
    readonly DeviceAllocation allocation;
    readonly ArenaLayout layout;

    internal DeviceArena(long capacityBytes)
    {
        allocation = new DeviceAllocation(capacityBytes);
        layout = new ArenaLayout(capacityBytes);
    }

    public long Capacity => layout.Capacity;

    public long Used => layout.Used;

    public DeviceMemory Take(long bytes) => allocation.Memory.Slice(layout.Reserve(bytes), bytes);

    public void Reset() => layout.Reset();

    public void Dispose() => allocation.Dispose();
}
