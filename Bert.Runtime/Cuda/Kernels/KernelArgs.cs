using System.Runtime.InteropServices;

namespace Bert.Runtime.Cuda.Kernels;

/// <summary>
/// A kernel's arguments in declaration order. Each value sits in its own 8-byte slot; <c>cuLaunchKernel</c>
/// receives a pointer per slot and reads as many bytes as the parameter's type has (little-endian, so a
/// 4-byte int or float is the slot's low half).
/// </summary>
public sealed class KernelArgs
{
    readonly List<ulong> slots = [];

    public KernelArgs Pointer(DeviceMemory memory) => Add(memory.Pointer);

    public KernelArgs Int(int value) => Add(KernelArg.Int(value));

    public KernelArgs Long(long value) => Add(KernelArg.Long(value));

    public KernelArgs Float(float value) => Add(KernelArg.Float(value));

    public int Count => slots.Count;

    internal Span<ulong> Slots => CollectionsMarshal.AsSpan(slots);

    KernelArgs Add(ulong slot)
    {
        slots.Add(slot);
        return this;
    }
}
