using Bert.Runtime.Cuda.Execution;
using Bert.Runtime.Cuda.Kernels;
using Bert.Runtime.Execution;
using Bert.Runtime.Training;

namespace Bert.Runtime.Tests.Cuda.Execution;

/// <summary>The GPU session's offset, extent and launch arithmetic, checked without a GPU.</summary>
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

    [Fact]
    public void Regions_accept_ranges_inside_one_buffer_and_name_them_otherwise()
    {
        var regions = new DeviceRegions();
        regions.Set("parameters", 0x1000, 400);
        regions.Set("arena", 0x8000, 64);
        regions.Require(0x1000, 400, "whole");
        regions.Require(0x1000 + 396, 4, "last float");
        regions.Require(0x8000 + 64, 0, "empty range at the end");

        var past = Assert.Throws<InvalidOperationException>(() => regions.Require(0x1000 + 396, 8, "GEMM operand A"));
        Assert.Contains("GEMM operand A", past.Message);
        Assert.Contains("parameters [0x1000, +400 B)", past.Message);
        Assert.Throws<InvalidOperationException>(() => regions.Require(0x0FFC, 8, "before"));
        Assert.Throws<InvalidOperationException>(() => regions.Require(0x1000, 0x7040, "spanning two buffers"));

        regions.Set("arena", 0x8000, 128);  // regrown
        regions.Require(0x8000, 128, "regrown arena");
    }

    static ParameterSpec Spec(string name, bool decay, params int[] shape) => new(name, name, shape, ParamInit.Normal, 0.02f, decay);

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
        Assert.Equal(expected, GpuAdam.ClipScale(norm, maxNorm), 6);
        if (!double.IsFinite(norm)) return;
        // The CPU rule, applied to a gradient of that norm, scales it by the same factor.
        float[] grads = [(float)norm];
        GradientChecks.ClipByGlobalNorm(grads, maxNorm);
        Assert.Equal(grads[0] / (float)norm, GpuAdam.ClipScale(norm, maxNorm), 6);
    }

    [Theory]
    [InlineData(1, 1u)]
    [InlineData(256, 1u)]
    [InlineData(257, 2u)]
    [InlineData(100_000_000, 65535u)]
    public void Runtime_kernels_cover_every_element_with_a_capped_grid(long elements, uint blocks)
    {
        var config = GpuRuntimeKernels.GridStride(elements);
        Assert.Equal(blocks, config.Grid.X);
        Assert.Equal((uint)GpuRuntimeKernels.BlockSize, config.Block.X);
    }

    [Fact]
    public void Generated_launches_size_their_grid_from_the_work_count()
    {
        var pointwise = new CudaKernelLaunch("k", CudaGridRule.GridStride, 256, 0, 16, ["Batch"], []);
        var rows = new CudaKernelLaunch("r", CudaGridRule.BlockPerRow, 128, 16, 1, ["Batch", "Seq"], []);
        Assert.Equal(3, pointwise.GridSize(513));
        Assert.Equal(CudaKernelLaunch.MaxGridStrideBlocks, pointwise.GridSize(1L << 40));
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
