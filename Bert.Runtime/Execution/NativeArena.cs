using System.Runtime.InteropServices;

namespace Bert.Runtime.Execution;

/// <summary>
/// The activation memory of a generated model: one 64-byte-aligned native block of 4-byte elements that grows (never
/// shrinks) when Bind needs more, and is freed by <see cref="Dispose"/> (or, as a fallback, the finalizer).
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
        Pointer = (float*)NativeMemory.AlignedAlloc((nuint)elements * sizeof(float), Alignment);
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
