using System.Runtime.InteropServices;

namespace Bert.Runtime.Execution;

/// <summary>
/// The activation memory of a generated model: one 64-byte-aligned native block of 4-byte elements that grows (never
/// shrinks) when Bind needs more, and is freed by <see cref="Dispose"/> (or, as a fallback, the finalizer). From
/// 2 MiB on it lies on huge pages (<see cref="HugePages"/>).
/// Its contents are undefined after growing.
/// </summary>
public sealed unsafe class NativeArena : IDisposable
{
    const nuint Alignment = 64;
    bool disposed;

    /// <summary>The first element; null until the first <see cref="EnsureCapacity"/>.</summary>
    public float* Pointer { get; private set; }

    /// <summary>Capacity in elements.</summary>
    public long Capacity { get; private set; }

    public void EnsureCapacity(long elements)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (elements <= Capacity) return;
        Free();
        nuint bytes = (nuint)elements * sizeof(float);
        Pointer = (float*)NativeMemory.AlignedAlloc(bytes, HugePages.AlignmentFor(bytes, Alignment));
        HugePages.Advise(Pointer, bytes);
        Capacity = elements;
    }

    public void Dispose()
    {
        Free();
        disposed = true;
        GC.SuppressFinalize(this);
    }

    ~NativeArena() => Free();

    void Free()
    {
        if (Pointer != null) NativeMemory.AlignedFree(Pointer);
        Pointer = null;
        Capacity = 0;
    }
}
