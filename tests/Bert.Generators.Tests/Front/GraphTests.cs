using Bert.Generators.Graph;
using Bert.Generators.Graph.Ops;

namespace Bert.Generators.Tests.Front;

/// <summary>The tutorial BERT parsed to graph IR: shapes, names and declarations.</summary>
public class GraphTests
{
    static readonly ModelGraph Tutorial = ParseTutorial();

    static ModelGraph ParseTutorial()
    {
        var result = TestCompiler.Parse(TestCompiler.TutorialSources());
        Assert.Empty(result.Diagnostics);
        return result.Graph!;
    }

    static string Shape(Value v) => "[" + string.Join(", ", v.Shape) + "]";

    static Value Output(string name) => Tutorial.Outputs.Single(o => o.Key == name).Value;

    [Fact]
    public void OutputsHaveTheTutorialShapes()
    {
        Assert.Equal("[Tokens, 128]", Shape(Output("Encodings")));
        Assert.Equal("[Masked, Vocab]", Shape(Output("MlmLogits")));
        Assert.Equal("[Batch, 2]", Shape(Output("NspLogits")));
        Assert.True(Output("MlmLoss").IsScalar);
        Assert.True(Output("NspLoss").IsScalar);
        Assert.True(Tutorial.Loss!.IsScalar);
    }

    [Fact]
    public void BlockArrayUnrollsWithPerLayerParameters()
    {
        // 3 embeddings + 16 per encoder layer × 2 + 6 MLM head + 4 NSP head.
        Assert.Equal(3 + 16 * 2 + 6 + 4, Tutorial.Params.Count);
        var query1 = Tutorial.Params.Single(p => p.Value.Name == "Encoder[1].QueryWeight");
        Assert.Equal("bert.encoder.layer.1.attention.self.query.weight", query1.HfName);
        Assert.Equal("[128, 128]", Shape(query1.Value));
        var ffnIn0 = Tutorial.Params.Single(p => p.Value.Name == "Encoder[0].FfnInWeight");
        Assert.Equal("[256, 128]", Shape(ffnIn0.Value));
        Assert.True(ffnIn0.WeightDecay);
        var gamma = Tutorial.Params.Single(p => p.Value.Name == "Encoder[0].Norm1Gamma");
        Assert.Equal(("Ones", false), (gamma.Init, gamma.WeightDecay));
        Assert.Equal("Normal", Tutorial.Params.Single(p => p.Value.Name == "TokenEmbedding").Init);
        Assert.Equal(new[] { "Encoder" }, Tutorial.BlockArrays.Select(b => b.Field));
    }

    [Fact]
    public void RunTimeDimensionsSplitIntoConstructionAndStepSymbols()
    {
        Assert.Equal(new[] { "Vocab" }, Tutorial.Symbols.Where(s => s.FixedAtConstruction).Select(s => s.Name));
        Assert.Equal(new[] { "Batch", "Seq", "Tokens", "Masked" }, Tutorial.Symbols.Where(s => !s.FixedAtConstruction).Select(s => s.Name));
    }

    [Fact]
    public void ValuesKeepTheirSourceNamesPerLayer()
    {
        var names = Tutorial.Forward.Select(n => n.Output!.Name).ToHashSet();
        Assert.Contains("Encoder0_q", names);
        Assert.Contains("Encoder1_scores", names);
        Assert.Contains("mlmLogits", names);
        var attention = Tutorial.Forward.Single(n => n.Output!.Name == "Encoder1_scores" && n.Op == ScaleOp.Instance);
        Assert.Equal("[Batch, 2, Seq, Seq]", Shape(attention.Output!));
        Assert.Equal(0.125f, attention.Factor);   // 1 / sqrt(128 / 2)
        Assert.Equal("Encoder", attention.Scope);
    }

    [Fact]
    public void EveryLayerHasItsOwnDropoutSites()
    {
        var sites = Tutorial.Forward.Where(n => n.Op == DropoutOp.Instance).Select(n => n.Site).ToList();
        Assert.Equal(6, sites.Count);  // attention, attention output, FFN output × 2 layers
        Assert.Equal(sites.Count, sites.Distinct().Count());
        Assert.All(Tutorial.Forward.Where(n => n.Op == DropoutOp.Instance), n => Assert.Equal("Dropout", n.Probability!.Hyper));
    }

    [Fact]
    public void DenseBecomesGemmAgainstTransposedWeightPlusBias()
    {
        var gemm = Tutorial.Forward.First(n => n.Op == GemmOp.Instance && n.Inputs[1].Name == "Encoder[0].FfnInWeight");
        Assert.Equal(("Tokens", "256", "128", false, true),
            (gemm.Gemm!.M.ToString(), gemm.Gemm.N.ToString(), gemm.Gemm.K.ToString(), gemm.Gemm.TransA, gemm.Gemm.TransB));
        var bias = Tutorial.Forward.Single(n => n.Op == AddOp.Instance && n.Inputs[0] == gemm.Output);
        Assert.Equal("Encoder[0].FfnInBias", bias.Inputs[1].Name);
    }
}
