using Bert.Generators.Kernels;
using Bert.Generators.Plan;

namespace Bert.Generators.Tests.Front;

/// <summary>The fused kernels of the tutorial BERT: which ops each fuses, sharing across layers, dropout sites.</summary>
public class FusionTests
{
    static readonly ExecutionPlan Fused = Plans.Tutorial();
    static readonly ExecutionPlan Unfused = Plans.Tutorial(fuse: false);

    static Kernel Find(string name) =>
        Fused.Kernels.SingleOrDefault(k => k.Name == name) ?? throw new Xunit.Sdk.XunitException(
            $"no kernel {name}; kernels: {string.Join(", ", Fused.Kernels.Select(k => k.Name))}");

    static IEnumerable<KernelStep> Launches(ExecutionPlan plan) => plan.Forward.Concat(plan.Backward).OfType<KernelStep>();

    /// <summary>The op names of a kernel's source ops, e.g. "Dropout" from "Dropout (EncoderBlock.cs:41)".</summary>
    static List<string> Ops(Kernel k) => k.SourceOps.Select(s => s.Substring(0, s.IndexOf(" (", StringComparison.Ordinal))).ToList();

    [Theory]
    [InlineData("Encoder_BiasRelu", new[] { "Dense", "Relu" })]
    [InlineData("Encoder_BiasDropoutResidualLayerNorm", new[] { "Dense", "Dropout", "Add", "LayerNorm" })]
    [InlineData("Encoder_ScaleMaskedSoftmaxDropout", new[] { "Scale", "MaskedSoftmax", "Dropout" })]
    [InlineData("Encoder_GradientSumLayerNormDropoutBackward", new[] { "LayerNorm backward", "Dropout backward" })]
    [InlineData("Encoder_DropoutSoftmaxScaleBackward", new[] { "Dropout backward", "MaskedSoftmax backward", "Scale backward" })]
    [InlineData("TutorialBert_BiasCrossEntropyGradient", new[] { "Dense", "WeightedCrossEntropy", "WeightedCrossEntropy backward" })]
    [InlineData("TutorialBert_BiasCrossEntropyGradient2", new[] { "Dense", "CrossEntropy", "CrossEntropy backward" })]
    public void ExpectedFusedKernelsAppearWithTheirSourceOps(string kernel, string[] ops)
    {
        var fused = Ops(Find(kernel));
        foreach (var op in ops) Assert.Contains(op, fused);
    }

    /// <summary>
    /// The query, key and value projections launch one shared kernel (bias + gather to padded rows), and each launch
    /// names its own source lines: the key's cites the line that declares the key's Dense and GatherRows.
    /// </summary>
    [Theory]
    [InlineData(0, "Dense(x, QueryWeight", "GatherRows(query")]
    [InlineData(1, "Dense(x, KeyWeight", "GatherRows(key")]
    [InlineData(2, "Dense(x, ValueWeight", "GatherRows(value")]
    public void EachLaunchOfASharedKernelCitesItsOwnSourceLines(int projection, string weight, string gather)
    {
        string[] block = TestCompiler.TutorialSources()[1].Split('\n');
        int Line(string text) => Array.FindIndex(block, l => l.Contains(text, StringComparison.Ordinal)) + 1;
        var launches = Fused.Forward.OfType<KernelStep>().Where(s => s.Kernel == "Encoder_BiasGatherRows").ToList();
        Assert.Equal(6, launches.Count);   // three projections in each of two layers
        // The plan compiles the block as the second source file, Model1.cs.
        Assert.Equal([$"Dense (Model1.cs:{Line(weight)})", $"GatherRows (Model1.cs:{Line(gather)})"], launches[projection].SourceOps.ToArray());
    }

    [Fact]
    public void A_shared_kernels_definition_cites_the_lines_of_every_launch()
    {
        string[] block = TestCompiler.TutorialSources()[1].Split('\n');
        int Line(string text) => Array.FindIndex(block, l => l.Contains(text, StringComparison.Ordinal)) + 1;
        var kernel = Find("Encoder_BiasGatherRows");
        Assert.Equal([$"Dense (Model1.cs:{Line("QueryWeight, QueryBias")}, {Line("KeyWeight, KeyBias")}, {Line("ValueWeight, ValueBias")})",
            $"GatherRows (Model1.cs:{Line("GatherRows(query")}, {Line("GatherRows(key")}, {Line("GatherRows(value")})"], kernel.SourceOps.ToArray());
        // Different ops sharing one kernel are each named with their own lines.
        Assert.Matches(@"^SplitHeads \(Model1\.cs:\d+, \d+, \d+\) or MergeHeads backward \(Model1\.cs:\d+\)$", Assert.Single(Find("Encoder_SplitHeads").SourceOps));
    }

    /// <summary>
    /// The loss's gradient reaches both cross-entropies as the constant seed, so the forward kernels that have each
    /// row of logits in cache write dLogits; backward starts from them and has no cross-entropy kernel. Unfused, the
    /// backward kernels stay (the fused-vs-unfused tests compare the two).
    /// </summary>
    [Fact]
    public void CrossEntropyGradientsAreWrittenByTheForwardKernels()
    {
        var forward = Fused.Forward.OfType<KernelStep>().ToList();
        var mlm = forward.Single(s => s.Kernel == "TutorialBert_BiasCrossEntropyGradient");
        Assert.Equal("d_mlmLogits", mlm.Buffers["d_mlmLogits"].Name);
        Assert.Contains(forward, s => s.Kernel == "TutorialBert_BiasCrossEntropyGradient2");
        Assert.DoesNotContain(Fused.Backward.OfType<KernelStep>(), s => s.Kernel.Contains("CrossEntropy"));
        Assert.Contains(Unfused.Backward.OfType<KernelStep>(), s => s.Kernel.Contains("CrossEntropyBackward"));
    }

    [Fact]
    public void FusedRowKernelsKeepOneLoopStructure()
    {
        var norm = (RowwiseBody)Find("Encoder_BiasDropoutResidualLayerNorm").Body;
        Assert.Equal("Tokens", norm.Rows.ToString());
        Assert.Equal("128", norm.Cols.ToString());
        var softmax = (RowwiseBody)Find("Encoder_ScaleMaskedSoftmaxDropout").Body;
        Assert.Equal("2 * Batch * Seq", softmax.Rows.ToString());
        Assert.IsType<MapStage>(softmax.Stages.Last());
    }

    [Fact]
    public void KernelsIdenticalAcrossLayersAreOneKernelWithDifferentBindings()
    {
        var norms = Launches(Fused).Where(s => s.Kernel == "Encoder_BiasDropoutResidualLayerNorm").ToList();
        Assert.Equal(4, norms.Count);   // attention and FFN residual norms of two layers
        Assert.Equal(4, norms.Select(s => s.Buffers["gamma"].Name).Distinct().Count());
        Assert.Equal(new[] { "Encoder[0].Norm1Gamma", "Encoder[0].Norm2Gamma", "Encoder[1].Norm1Gamma", "Encoder[1].Norm2Gamma" },
            norms.Select(s => s.Buffers["gamma"].Name).OrderBy(n => n));
        Assert.Equal(Fused.Kernels.Length, Fused.Kernels.Select(k => k.Name).Distinct().Count());
        Assert.DoesNotContain(Fused.Kernels, k => k.Name.Contains("Encoder0") || k.Name.Contains("Encoder1"));
    }

    [Fact]
    public void EveryDropoutSiteHasItsOwnCounterRangeReusedByBackward()
    {
        static List<string> Offsets(IEnumerable<Step> steps) => steps.OfType<KernelStep>()
            .SelectMany(s => s.Scalars.Where(p => p.Key.StartsWith("offset", StringComparison.Ordinal)).Select(p => PlanPrinter.Expr(p.Value))).ToList();
        var forward = Offsets(Fused.Forward);
        Assert.Equal(6, forward.Count);
        Assert.Equal(6, forward.Distinct().Count());
        Assert.Equal(forward.OrderBy(o => o), Offsets(Fused.Backward).OrderBy(o => o));
    }

    [Fact]
    public void GemmsStayLibraryCalls()
    {
        int gemms = Fused.Forward.Concat(Fused.Backward).OfType<GemmStep>().Count();
        Assert.Equal(Unfused.Forward.Concat(Unfused.Backward).OfType<GemmStep>().Count(), gemms);
        // Per layer: Q, K, V, output, FFN in/out dense + 2 attention matmuls forward, 2 GEMMs each backward; heads: 4 dense.
        Assert.Equal((8 + 8 * 2) * 2 + 4 * 3, gemms);
    }

    [Fact]
    public void UnfusedPlanRunsOneOpPerKernel()
    {
        Assert.False(Unfused.Fused);
        Assert.All(Unfused.Kernels, k => Assert.Single(k.SourceOps));
        Assert.True(Launches(Unfused).Count() > Launches(Fused).Count() + 40,
            $"fused {Launches(Fused).Count()} launches, unfused {Launches(Unfused).Count()}");
    }
}
