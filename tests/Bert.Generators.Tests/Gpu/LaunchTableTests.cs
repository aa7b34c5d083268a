using Bert.Generators.Emit;
using Bert.Generators.Tests.Back.Support;
using Bert.Runtime.Execution;
using Bert.Generators.Tests.Back;
using static Bert.Generators.Tests.Back.SampleKernels;

namespace Bert.Generators.Tests.Gpu;

/// <summary>How the GPU kernels are launched: the launch rules, and the C# launch table the model carries.</summary>
public class LaunchTableTests
{
    [Fact]
    public void Launch_rules_fit_the_group_to_the_row()
    {
        var gelu = LaunchRule.For(BiasGelu);       // pointwise: grid-stride over every element
        Assert.Equal((false, 256, "16 * Batch * Seq"), (gelu.OneBlockPerRow, gelu.BlockSize, gelu.Work.ToString()));
        Assert.Equal((true, 32), (LaunchRule.For(LayerNorm).OneBlockPerRow, LaunchRule.For(LayerNorm).BlockSize));   // 16 columns: one warp
        Assert.Equal(256, LaunchRule.For(MaskedSoftmax).BlockSize);   // Seq columns: symbolic, 8 warps
        Assert.Equal(32, LaunchRule.For(EmbeddingBackward).BlockSize);
    }

    [Fact]
    public void Compiled_launch_table_evaluates_grids_for_bound_dimensions()
    {
        var assembly = InMemoryCompiler.Compile([.. ModelEmitter.Emit(TinyModelPlan.Create(), ilgpu: true).Select(f => f.Text), CSharpModelTests.UserDeclaration]);
        var table = assembly.GetType("Tiny.TinyModel+KernelLaunches")!;
        var kernels = assembly.GetType("Tiny.TinyModel+IlgpuKernels")!;
        var launches = (KernelLaunch[])table.GetProperty("Launches")!.GetValue(null)!;
        var dimensions = new Dictionary<string, int> { ["Batch"] = 8, ["Seq"] = 128, ["Vocab"] = 100 };
        var embed = launches.Single(l => l.Kernel == "Embed");
        // The lookup broadcasts over rows of Hidden = 16 (PointwiseRows): one group per token.
        Assert.Equal(8 * 128, embed.GridSize(dimensions));
        Assert.Equal(["table", "ids", "x", "Batch", "Seq"], embed.Arguments.Select(a => a.Name));
        Assert.Equal(KernelArgumentKind.IntPointer, embed.Arguments[1].Kind);
        var scatter = launches.Single(l => l.Kernel == "TokenEmbedding_Backward");
        Assert.Equal(8 * 128, scatter.GridSize(dimensions));
        var dropout = launches.Single(l => l.Kernel == "Encoder_AttentionDropout");
        Assert.Equal([KernelArgumentKind.FloatPointer, KernelArgumentKind.FloatPointer, KernelArgumentKind.Float, KernelArgumentKind.UInt64,
            KernelArgumentKind.Dimension, KernelArgumentKind.Dimension], dropout.Arguments.Select(a => a.Kind));
        // Every record names a kernel method taking its arguments, and the index constants the GPU program launches
        // by point at the right records.
        for (int i = 0; i < launches.Length; i++)
        {
            var method = kernels.GetMethod(launches[i].Kernel) ?? throw new InvalidOperationException($"no kernel {launches[i].Kernel}");
            Assert.Equal(launches[i].Arguments.Select(a => a.Name), method.GetParameters().Select(p => p.Name));
            Assert.Equal(i, (int)table.GetField(launches[i].Kernel)!.GetValue(null)!);
        }
    }
}
