using Bert.Generators.Emit;
using Bert.Generators.Tests.Back.Support;
using Bert.Runtime.Execution;
using Bert.Tests;
using static Bert.Generators.Tests.Back.SampleKernels;

namespace Bert.Generators.Tests.Back;

/// <summary>
/// Emitted CUDA: its text (snapshots), its launch rules, and the C# launch table the model carries. The sources
/// cannot run here (no GPU); an NVRTC compile test belongs with the CUDA runtime.
/// </summary>
public class CudaEmitterTests
{
    [Fact]
    public void Emitted_kernels_match_snapshot()
    {
        Snapshot.Match(CudaSourceEmitter.Emit("SampleKernels", All), "Cuda.SampleKernels", "cu");
    }

    [Fact]
    public void Emitted_model_launch_table_matches_snapshot()
    {
        Snapshot.Match(CudaModelEmitter.Emit(TinyModelPlan.Create()), "CSharp.TinyModel.Cuda", "cs");
    }

    [Fact]
    public void Source_includes_only_the_device_helpers_its_kernels_use()
    {
        string pointwise = CudaSourceEmitter.Emit("Pointwise", [BiasGelu]);
        Assert.DoesNotContain("philox_uniform", pointwise);
        Assert.DoesNotContain("block_reduce", pointwise);
        string all = CudaSourceEmitter.Emit("All", All);
        Assert.Contains("__device__ __forceinline__ float philox_uniform(", all);
        Assert.Contains("__device__ __forceinline__ float block_reduce(", all);
        Assert.DoesNotContain("#include", all);
    }

    [Fact]
    public void Row_kernels_reduce_across_the_block_store_row_scalars_once_and_accumulate_collisions_atomically()
    {
        string norm = CudaSourceEmitter.Emit("Norm", [LayerNorm]);
        Assert.Contains("sum = block_reduce(sum, scratch, SumOp());", norm);
        Assert.Contains("if (threadIdx.x == 0)", norm);
        string softmax = CudaSourceEmitter.Emit("Softmax", [MaskedSoftmax]);
        Assert.Contains("rowMax = block_reduce(rowMax, scratch, MaxOp());", softmax);
        // The second map stage rereads probs written by the first: a barrier separates them.
        Assert.Contains("__syncthreads();", softmax);
        string scatter = CudaSourceEmitter.Emit("Scatter", [EmbeddingBackward]);
        Assert.Contains("atomicAdd(&dTable[id * 16 + j], dOut[row * 16 + j]);", scatter);
    }

    [Fact]
    public void Launch_rules_fit_the_block_to_the_row_and_give_reductions_a_float_per_warp()
    {
        var gelu = CudaLaunchRule.For(BiasGelu);       // pointwise: grid-stride over every element
        Assert.Equal((false, 256, 0, "16 * Batch * Seq"), (gelu.OneBlockPerRow, gelu.BlockSize, gelu.SharedMemoryBytes, gelu.Work.ToString()));
        var norm = CudaLaunchRule.For(LayerNorm);      // 16 columns: one warp
        Assert.Equal((true, 32, 4), (norm.OneBlockPerRow, norm.BlockSize, norm.SharedMemoryBytes));
        var softmax = CudaLaunchRule.For(MaskedSoftmax);  // Seq columns: symbolic, 8 warps
        Assert.Equal((true, 256, 32), (softmax.OneBlockPerRow, softmax.BlockSize, softmax.SharedMemoryBytes));
        var scatter = CudaLaunchRule.For(EmbeddingBackward);  // no reduction: no scratch
        Assert.Equal((32, 0), (scatter.BlockSize, scatter.SharedMemoryBytes));
    }

    [Fact]
    public void Compiled_launch_table_evaluates_grids_for_bound_dimensions()
    {
        var assembly = InMemoryCompiler.Compile([.. ModelEmitter.Emit(TinyModelPlan.Create(), ilgpu: true).Select(f => f.Text), CSharpModelTests.UserDeclaration]);
        var kernels = assembly.GetType("Tiny.TinyModel+CudaKernels")!;
        var launches = (CudaKernelLaunch[])kernels.GetProperty("Launches")!.GetValue(null)!;
        string source = (string)kernels.GetField("Source")!.GetValue(null)!;
        Assert.Equal(CudaSourceEmitter.Emit("TinyModel", TinyModelPlan.Create().Kernels).TrimEnd('\n'), source.TrimEnd('\n'));

        var dimensions = new Dictionary<string, int> { ["Batch"] = 8, ["Seq"] = 128, ["Vocab"] = 100 };
        var embed = launches.Single(l => l.Kernel == "Embed");
        Assert.Equal((16 * 8 * 128 + 255) / 256, embed.GridSize(dimensions));
        Assert.Equal(["table", "ids", "x", "Batch", "Seq"], embed.Arguments.Select(a => a.Name));
        Assert.Equal(CudaArgumentKind.IntPointer, embed.Arguments[1].Kind);
        var scatter = launches.Single(l => l.Kernel == "TokenEmbedding_Backward");
        Assert.Equal(8 * 128, scatter.GridSize(dimensions));
        var dropout = launches.Single(l => l.Kernel == "Encoder_AttentionDropout");
        Assert.Equal([CudaArgumentKind.FloatPointer, CudaArgumentKind.FloatPointer, CudaArgumentKind.Float, CudaArgumentKind.UInt64,
            CudaArgumentKind.Dimension, CudaArgumentKind.Dimension], dropout.Arguments.Select(a => a.Kind));
        foreach (var launch in launches) Assert.Contains($" {launch.Kernel}(", source);
        // The index constants the GPU program launches by point at the right records.
        for (int i = 0; i < launches.Length; i++) Assert.Equal(i, (int)kernels.GetField(launches[i].Kernel)!.GetValue(null)!);
    }
}
