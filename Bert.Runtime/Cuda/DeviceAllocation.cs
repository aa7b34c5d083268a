using static Bert.Runtime.Cuda.Interop.CuDriver;

namespace Bert.Runtime.Cuda;

/// <summary>One <c>cuMemAlloc</c> block, freed on dispose. Create with <see cref="CudaDevice.Allocate"/>.</summary>
public sealed unsafe class DeviceAllocation : IDisposable
{
    internal DeviceAllocation(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytes);
        ulong pointer;
        Check(cuMemAlloc_v2(&pointer, (nuint)bytes));
        Memory = new DeviceMemory(pointer, bytes);
    }

    public DeviceMemory Memory { get; private set; }

    public void Dispose()
    {
        if (Memory.Pointer == 0) return;
        Check(cuMemFree_v2(Memory.Pointer));
        Memory = default;
    }
}
