using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bert.Runtime.Execution;

/// <summary>Float arrays on the pinned object heap, so generated kernels can keep a raw pointer to them.</summary>
public static unsafe class PinnedArray
{
    public static float[] Allocate(int length, out float* address)
    {
        var array = GC.AllocateArray<float>(length, pinned: true);
        address = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        return array;
    }
}
