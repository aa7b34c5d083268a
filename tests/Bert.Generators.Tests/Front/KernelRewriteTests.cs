using System.Text.RegularExpressions;
using Bert.Generators.Emit;
using Bert.Generators.Kernels;
using Bert.Generators.Passes;
using Bert.Generators.Plan;

namespace Bert.Generators.Tests.Front;

/// <summary>The kernel rewrites run once, in the plan, for every target: the emitters print the plan's kernels as they are.</summary>
public class KernelRewriteTests
{
    static readonly ExecutionPlan Tutorial = Plans.Tutorial();

    static string Cpu(Kernel kernel) => Print(new CSharpKernelEmitter(), kernel);

    static string Gpu(Kernel kernel) => Print(new IlgpuKernelEmitter(), kernel);

    static string Print(KernelEmitter emitter, Kernel kernel)
    {
        var w = new CodeWriter();
        emitter.Emit(kernel, w);
        return w.ToString();
    }

    static Kernel Find(string name) => Tutorial.Kernels.Single(k => k.Name == name);

    [Fact]
    public void The_plans_kernels_are_finished_so_the_rewrites_find_nothing_more_to_do()
    {
        foreach (var kernel in Tutorial.Kernels)
            Assert.Equal(Cpu(kernel), Cpu(KernelRewrites.Apply(kernel)));
    }

    [Fact]
    public void The_gpu_kernel_draws_the_residual_dropout_once_per_element_as_the_cpu_kernel_does()
    {
        // The LayerNorm's mean, variance and output passes read back the stored residual sum instead of re-drawing it.
        var kernel = Find("Encoder_BiasDropoutResidualLayerNorm");
        Assert.Single(Regex.Matches(Gpu(kernel), @"Philox\.Uniform\("));
        Assert.Contains("sum += sum2[row * 128 + j];", Gpu(kernel));
        Assert.Contains("sum2", Cpu(kernel));
    }

    [Fact]
    public void A_bias_broadcast_over_rows_indexes_by_column_on_both_targets()
    {
        var kernel = Find("Encoder_BiasRelu");
        Assert.IsType<RowwiseBody>(kernel.Body);
        foreach (string text in new[] { Cpu(kernel), Gpu(kernel) })
        {
            Assert.DoesNotContain("%", text);
            Assert.Contains("FfnInBias", text);
        }
        Assert.Contains("FfnInBias[j]", Gpu(kernel));
    }
}
