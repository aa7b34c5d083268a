using Bert.Graph;
using Bert.Runtime.Gpu;
using Bert.Runtime.Gpu.Gemm;
using Bert.Runtime.Execution;
using Bert.Runtime.Training;

namespace Bert.Runtime.Tests.Gpu;

/// <summary>The GPU session's extent and launch arithmetic.</summary>
public class GpuArithmeticTests
{
    [Theory]
    [InlineData(false, 3, 5, 5, 15)]   // A is m × k = 3 × 5, packed
    [InlineData(false, 3, 5, 8, 21)]   // padded rows: the last row ends at 2·8 + 5
    [InlineData(true, 3, 5, 3, 15)]    // A stored k × m = 5 × 3
    [InlineData(true, 3, 5, 4, 19)]
    public void Operand_a_extent_follows_its_stored_shape(bool transA, int m, int k, int lda, long expected) =>
        Assert.Equal(expected, GemmExtent.OperandA(transA, m, k, lda));

    [Fact]
    public void Operand_b_and_c_extents_and_batches()
    {
        Assert.Equal(4 * 7, GemmExtent.OperandB(false, k: 4, n: 7, ldb: 7));
        Assert.Equal(7 * 4, GemmExtent.OperandB(true, k: 4, n: 7, ldb: 4));
        Assert.Equal(2 * 9 + 9, GemmExtent.OperandC(3, 9, 9));
        // Batched: the last matrix starts (batch − 1) · stride in; a zero stride reuses one matrix.
        Assert.Equal(3 * 16 * 8 + 16 * 8 - 0L, GemmExtent.OperandC(16, 8, 8, strideC: 16 * 8, batchCount: 4));
        Assert.Equal(16 * 8, GemmExtent.OperandB(false, 16, 8, 8, strideB: 0, batchCount: 4));
    }

    [Fact]
    public void Extent_rejects_a_leading_dimension_shorter_than_a_row() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => GemmExtent.Elements(rows: 2, cols: 8, leadingDimension: 7));

    static ParameterSpec Spec(string name, bool decay, params int[] shape) => new(name, name, shape, Init.Normal, 0.02f, decay);

    [Fact]
    public void Adam_runs_merge_neighbours_with_the_same_decay()
    {
        var runs = AdamRuns.From(
        [
            Spec("embedding", false, 10, 4),
            Spec("w1", true, 4, 4),
            Spec("w2", true, 4, 2),
            Spec("b2", false, 2),
            Spec("gamma", false, 4),
            Spec("empty", true, 0),
            Spec("w3", true, 3),
        ]);
        Assert.Equal([new AdamRun(0, 40, false), new AdamRun(40, 24, true), new AdamRun(64, 6, false), new AdamRun(70, 3, true)], runs);
    }

    [Theory]
    [InlineData(0.5, 1.0, 1f)]
    [InlineData(2.0, 1.0, 1f / (2f + 1e-6f))]
    [InlineData(double.NaN, 1.0, 1f)]
    [InlineData(double.PositiveInfinity, 1.0, 1f)]
    public void Clip_scale_matches_the_cpu_clipping_rule(double norm, float maxNorm, float expected)
    {
        Assert.Equal(expected, GradientChecks.ClipScale(norm, maxNorm), 6);
        if (!double.IsFinite(norm)) return;
        // The CPU rule, applied to a gradient of that norm, scales it by the same factor.
        float[] grads = [(float)norm];
        GradientChecks.ClipByGlobalNorm(grads, maxNorm);
        Assert.Equal(grads[0] / (float)norm, GradientChecks.ClipScale(norm, maxNorm), 6);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(16, 1)]
    [InlineData(17, 2)]
    [InlineData(100_000_000, LaunchShape.SimulatorGridStrideGroups)]
    public void Simulator_grid_stride_launches_cover_every_element_with_a_few_groups(long elements, int groups)
    {
        // The simulator's groups hold 16 threads (4 warps of 4), whatever the kernel asks for.
        using var simulator = GpuDevice.Simulator();
        var config = LaunchShape.GridStride(simulator.Accelerator, elements, RuntimeKernels.GroupSize);
        Assert.Equal(16, config.GroupDim.X);
        Assert.Equal(groups, config.GridDim.X);
    }

    [Fact]
    public void Device_memory_slices_stay_in_bounds()
    {
        var memory = new Bert.Runtime.Cuda.DeviceMemory(1000, 100);
        Assert.Equal(new Bert.Runtime.Cuda.DeviceMemory(1040, 60), memory.Slice(40, 60));
        Assert.Throws<ArgumentOutOfRangeException>(() => memory.Slice(40, 61));
    }

    [Fact]
    public void Generated_launches_size_their_grid_from_the_work_count()
    {
        var pointwise = new KernelLaunch("k", GridRule.GridStride, 256, 16, ["Batch"], []);
        var rows = new KernelLaunch("r", GridRule.BlockPerRow, 128, 1, ["Batch", "Seq"], []);
        Assert.Equal(3, pointwise.GridSize(513));
        Assert.Equal(KernelLaunch.MaxGridStrideBlocks, pointwise.GridSize(1L << 40));
        Assert.Equal(12, rows.GridSize(12));
        Assert.Equal(rows.GridSize(new Dictionary<string, int> { ["Batch"] = 3, ["Seq"] = 4 }), rows.GridSize(12));
        Assert.Throws<ArgumentOutOfRangeException>(() => rows.GridSize(0));
    }

    [Fact]
    public void Kernel_argument_slots_hold_the_value_bytes()
    {
        Assert.Equal(0xFFFF_FFFEUL, KernelArg.Int(-2));
        Assert.Equal(1.5f, BitConverter.UInt32BitsToSingle((uint)KernelArg.Float(1.5f)));
        Assert.Equal(0UL, KernelArg.Float(1.5f) >> 32);
        Assert.Equal(ulong.MaxValue, KernelArg.Long(-1));
        Assert.Equal(0x0123_4567_89AB_CDEFUL, KernelArg.UInt64(0x0123_4567_89AB_CDEFUL));
    }
}
