using Bert.Runtime.Cuda;
using Bert.Runtime.Cuda.Kernels;

namespace Bert.Runtime.Tests.Cuda;

/// <summary>Launch arithmetic and argument packing, checked without a GPU.</summary>
public class LaunchTests
{
    [Theory]
    [InlineData(1, 1u)]
    [InlineData(256, 1u)]
    [InlineData(257, 2u)]
    [InlineData(1_000_000, 3907u)]
    public void Elementwise_rule_covers_every_item(long items, uint blocks)
    {
        var config = CudaLaunchRule.Elementwise(256).For(items);
        Assert.Equal(new Dim3(blocks), config.Grid);
        Assert.Equal(new Dim3(256), config.Block);
        Assert.True(config.Grid.X * 256L >= items);
    }

    [Fact]
    public void Per_row_rule_launches_one_block_per_row_with_its_shared_memory()
    {
        var config = CudaLaunchRule.PerRow(128, sharedMemoryBytes: 512).For(4096, gridY: 12, gridZ: 2);
        Assert.Equal(new Dim3(4096, 12, 2), config.Grid);
        Assert.Equal(512, config.SharedMemoryBytes);
    }

    [Fact]
    public void Rule_rejects_grids_past_the_x_limit() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CudaLaunchRule.PerRow(32).For(1L << 31));

    [Fact]
    public void Arguments_sit_in_their_own_slots_low_bytes_first()
    {
        var args = new KernelArgs().Pointer(new DeviceMemory(0xDEAD_BEEF_0000, 64)).Int(-2).Float(1.5f).Long(-3);
        ulong[] slots = args.Slots.ToArray();

        Assert.Equal(4, args.Count);
        Assert.Equal(0xDEAD_BEEF_0000UL, slots[0]);
        Assert.Equal(-2, (int)(uint)slots[1]);
        Assert.Equal(1.5f, BitConverter.UInt32BitsToSingle((uint)slots[2]));
        Assert.Equal(-3L, (long)slots[3]);
    }

    [Fact]
    public void Arena_aligns_blocks_and_resets()
    {
        var layout = new ArenaLayout(1024);
        Assert.Equal(0, layout.Reserve(10));
        Assert.Equal(256, layout.Reserve(300));
        Assert.Equal(768, layout.Reserve(256));
        Assert.Equal(1024, layout.Used);

        var full = Assert.Throws<InvalidOperationException>(() => layout.Reserve(1));
        Assert.Contains("arena is full", full.Message);

        layout.Reset();
        Assert.Equal(0, layout.Reserve(1024));
    }

    [Fact]
    public void Device_memory_slices_stay_in_bounds()
    {
        var memory = new DeviceMemory(1000, 100);
        Assert.Equal(new DeviceMemory(1040, 60), memory.Slice(40, 60));
        Assert.Throws<ArgumentOutOfRangeException>(() => memory.Slice(40, 61));
    }
}
