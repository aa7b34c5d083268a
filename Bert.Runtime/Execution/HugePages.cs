using System.Runtime.InteropServices;

namespace Bert.Runtime.Execution;

/// <summary>
/// Transparent huge pages for large native blocks: on Linux, <c>madvise(MADV_HUGEPAGE)</c> asks the kernel to back a
/// block with 2 MiB pages (Debian's default THP mode is "madvise": nothing is huge unless asked). The kernels walk
/// activations with long strides — a transposed GEMM operand reads six values from each 81 KB row of the MLM logits —
/// and on 4 KB pages nearly every such step misses the TLB. Elsewhere, or where the kernel refuses, blocks keep
/// ordinary pages: the advice changes speed only, never contents.
/// </summary>
internal static unsafe partial class HugePages
{
    /// <summary>The x86-64 huge page: blocks at least this large are aligned to it and advised.</summary>
    public const nuint Size = 2 << 20;

    const int MadviseHugePage = 14;

    /// <summary>False once madvise could not be bound (not glibc): blocks keep ordinary pages.</summary>
    static bool available = true;

    /// <summary>The alignment a block of <paramref name="bytes"/> should have for <see cref="Advise"/> to cover it.</summary>
    public static nuint AlignmentFor(nuint bytes, nuint smallAlignment) => bytes >= Size ? Size : smallAlignment;

    /// <summary>
    /// Advises the whole huge pages of a block that starts on a <see cref="Size"/> boundary; true when the kernel took
    /// the advice (it still backs the block with huge pages only where it finds free 2 MiB runs).
    /// </summary>
    public static bool Advise(void* block, nuint bytes)
    {
        if (!OperatingSystem.IsLinux() || bytes < Size || !available) return false;
        try
        {
            return madvise(block, bytes / Size * Size, MadviseHugePage) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            available = false;
            return false;
        }
    }

    [LibraryImport("libc.so.6")]
    private static partial int madvise(void* address, nuint length, int advice);
}
