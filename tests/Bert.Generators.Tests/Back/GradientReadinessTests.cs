using Bert.Generators.Emit;
using Bert.Generators.Plan;
using Bert.Generators.Tests.Front;
using static Bert.Generators.Tests.Back.Ir;

namespace Bert.Generators.Tests.Back;

/// <summary>
/// When the generated BackwardOn reports each gradient final (what data-parallel training overlaps its all-reduces
/// with): right after the last backward step that touches it, never before.
/// </summary>
public sealed class GradientReadinessTests
{
    // TinyModel's parameters in spec order, and its backward steps: … 2: dW GEMM, 3: bias column sum, 4: dx GEMM,
    // 5: clear dTable, 6: embedding scatter into dTable.
    const int Table = 0, W = 1, Bias = 2;

    [Fact]
    public void Each_gradient_is_final_after_the_last_step_that_writes_it()
    {
        var readiness = GradientReadiness.Of(TinyModelPlan.Create());
        Assert.Equal([[], [], [W], [Bias], [], [], [Table]], readiness.AfterStep.Select(s => s.ToArray()));
        Assert.Equal([W, Bias, Table], readiness.Order.ToArray());
        Assert.Empty(readiness.Untouched);
    }

    [Fact]
    public void A_later_read_of_a_gradient_delays_its_report()
    {
        // A step that reads dW after the embedding backward (as a gradient-dependent computation would): dW may not be
        // reduced in place while that step can still read it.
        var plan = TinyModelPlan.Create();
        var readsW = new GemmStep("reads dW", false, false, Const(1), Const(16), Const(16), 1f,
            new TensorRef(StorageKind.ParamGrad, "W"), Const(16), Const(0),
            new TensorRef(StorageKind.ParamValue, "W"), Const(16), Const(0),
            0f, new TensorRef(StorageKind.Arena, "dx"), Const(16), Const(0), Const(1));
        var readiness = GradientReadiness.Of(plan with { Backward = plan.Backward.Add(readsW) });
        Assert.Equal([Bias, Table, W], readiness.Order.ToArray());
        Assert.Equal([W], readiness.AfterStep[^1].ToArray());
    }

    [Fact]
    public void A_gradient_no_step_touches_is_reported_at_the_end()
    {
        var plan = TinyModelPlan.Create();
        var withoutBias = plan with { Backward = plan.Backward.RemoveAt(3) };
        var readiness = GradientReadiness.Of(withoutBias);
        Assert.Equal([Bias], readiness.Untouched.ToArray());
        Assert.Equal([W, Table, Bias], readiness.Order.ToArray());
        // Reported after the last step, as the last statement of BackwardOn.
        string source = CSharpGpuModelEmitter.Emit(withoutBias);
        int start = source.IndexOf("public void BackwardOn(", StringComparison.Ordinal);
        string backward = source[start..source.IndexOf("public void DownloadOutputs(", start, StringComparison.Ordinal)];
        Assert.Equal("gpu.GradientsReady(2);", backward.Split('\n').Select(l => l.Trim()).Last(l => l.StartsWith("gpu.", StringComparison.Ordinal)));
    }

    [Fact]
    public void Tutorial_bert_finishes_gradients_from_the_heads_back_to_the_embeddings()
    {
        var plan = Plans.Tutorial();
        var order = GradientReadiness.Of(plan).Order.ToList();
        int Position(string name) => order.IndexOf(plan.Params.Select((p, i) => (p, i)).Single(x => x.p.Name == name).i);
        IEnumerable<int> Positions(string prefix) => plan.Params.Select((p, i) => (p, i)).Where(x => x.p.Name.StartsWith(prefix, StringComparison.Ordinal)).Select(x => order.IndexOf(x.i));

        Assert.Equal(Enumerable.Range(0, plan.Params.Length), order.Order());
        // Backward runs the layers in reverse: every gradient of the last layer is final before any of the first layer's.
        Assert.True(Positions("Encoder[1].").Max() < Positions("Encoder[0].").Min());
        Assert.True(Positions("Nsp").Concat(Positions("Mlm")).Max() < Positions("Encoder[1].").Min());
        Assert.True(Positions("Encoder[0].").Max() < new[] { "TokenEmbedding", "SegmentEmbedding", "PositionEmbedding" }.Min(Position));
    }
}
