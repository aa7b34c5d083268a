using Bert.Runtime.Execution;

namespace Bert.Runtime.Tests.Execution;

public sealed unsafe class NativeArenaTests
{
    [Fact]
    public void Large_arenas_start_on_a_huge_page_and_small_ones_on_a_cache_line()
    {
        using var large = new NativeArena();
        large.EnsureCapacity(3L << 20);   // 12 MiB
        Assert.Equal(0u, (nuint)large.Pointer % HugePages.Size);
        large.Pointer[0] = 1f;
        large.Pointer[large.Capacity - 1] = 2f;
        Assert.Equal(3f, large.Pointer[0] + large.Pointer[large.Capacity - 1]);

        using var small = new NativeArena();
        small.EnsureCapacity(1000);
        Assert.Equal(0u, (nuint)small.Pointer % 64);
    }

    [Fact]
    public void Linux_with_transparent_huge_pages_takes_the_advice()
    {
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/sys/kernel/mm/transparent_hugepage")) return;
        using var arena = new NativeArena();
        arena.EnsureCapacity((long)HugePages.Size);   // 8 MiB: four huge pages
        Assert.True(HugePages.Advise(arena.Pointer, HugePages.Size * sizeof(float)));
        Assert.False(HugePages.Advise(arena.Pointer, HugePages.Size - 1));   // less than one page: nothing to advise
    }
}
