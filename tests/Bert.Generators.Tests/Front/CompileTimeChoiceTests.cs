using Bert.Generators.Graph;
using Bert.Generators.Graph.Ops;

namespace Bert.Generators.Tests.Front;

/// <summary>
/// Choices a model makes at compile time for the blocks it uses: a const [Hyper] (LayerNorm's epsilon) is folded,
/// and a conditional on a const [Dim] (the feed-forward activation) traces only the branch it selects.
/// </summary>
public class CompileTimeChoiceTests
{
    static string Model(int useGelu) => $$"""
        [Model]
        public partial class Tiny
        {
            [Dim] public const int Hidden = 4, UseGelu = {{useGelu}};
            [Dim] public int Batch;
            [Hyper] public float Rate = 0.1f;
            [Hyper] public const float Eps = 1e-3f;
            [Input("Batch, Hidden")] public Tensor X;
            [Input("Batch")] public IntTensor Labels;
            [Block] public Layer One = new();
            [Param("2, Hidden")] public Tensor W;
            [Forward]
            public Tensor Forward() => CrossEntropy(Dense(One.Forward(X), W), Labels);
        }

        [Block]
        public partial class Layer
        {
            [Dim] public int Hidden, UseGelu;
            [Hyper] public float Eps;
            [Param("Hidden", Init = Init.Ones)] public Tensor Gamma;
            [Param("Hidden", Init = Init.Zeros)] public Tensor Beta;
            [Forward]
            public Tensor Forward(Tensor x)
            {
                var h = UseGelu == 1 ? Gelu(x) : Relu(x);
                return LayerNorm(h, Gamma, Beta, Eps);
            }
        }
        """;

    static ModelGraph Parse(int useGelu)
    {
        var result = TestCompiler.Parse(TestCompiler.Usings + Model(useGelu));
        Assert.Empty(result.Diagnostics);
        return result.Graph!;
    }

    [Theory]
    [InlineData(1, "Gelu", "Relu")]
    [InlineData(0, "Relu", "Gelu")]
    public void ConditionalOnAConstDimTracesOnlyTheSelectedBranch(int useGelu, string taken, string skipped)
    {
        var ops = Parse(useGelu).Forward.Select(n => n.Op.ToString()).ToList();
        Assert.Contains(taken, ops);
        Assert.DoesNotContain(skipped, ops);
    }

    [Fact]
    public void ConstHyperIsFoldedIntoTheOpAndIsNoRunTimeHyper()
    {
        var graph = Parse(1);
        Assert.Equal(1e-3f, graph.Forward.Single(n => n.Op == LayerNormOp.Instance).Factor);
        Assert.Equal(new[] { "Rate" }, graph.Hypers);
    }
}
