using System.Runtime.InteropServices;

namespace Bert.Runtime.Execution;

/// <summary>
/// Temporary native floats for one kernel call (e.g. the per-chunk partial sums of a column reduction), freed at
/// the end of the <c>using</c> scope. Contents start undefined.
/// </summary>
public readonly unsafe struct ScratchFloats : IDisposable
{
    public ScratchFloats(long count) => Pointer = (float*)NativeMemory.Alloc((nuint)Math.Max(count, 1), sizeof(float));

    public float* Pointer { get; }

    public void Dispose() => NativeMemory.Free(Pointer);
}
