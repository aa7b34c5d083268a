using Bert.Runtime.Training;

namespace Bert.Runtime.Tests.Training;

public class AdamOptimizerTests
{
    static ParameterStore Store() => ParameterStore.Layout(
    [
        new("w", [100, 97], Initializer.Normal(0.5f), Decay: true), // spans several optimizer chunks
        new("b", [7], Initializer.Normal(0.1f), Decay: false),
    ]);

    static void FillGrads(ParameterStore store, int step)
    {
        for (int i = 0; i < store.Grads.Length; i++) store.Grads[i] = MathF.Sin(i * 0.37f + step) * (1 + i % 5);
    }

    /// <summary>Textbook Adam/AdamW in double precision, one element at a time.</summary>
    static double[] Reference(ParameterStore store, AdamSettings s, int steps, float lr)
    {
        var theta = store.Values.Select(x => (double)x).ToArray();
        var m = new double[theta.Length];
        var v = new double[theta.Length];
        bool[] decays = new bool[theta.Length], trained = new bool[theta.Length];
        foreach (var p in store.Parameters)
            for (long i = 0; i < p.Length; i++) (decays[p.Offset + i], trained[p.Offset + i]) = (p.Decay, true);
        for (int t = 1; t <= steps; t++)
        {
            FillGrads(store, t);
            for (int i = 0; i < theta.Length; i++)
            {
                if (!trained[i]) continue; // alignment gaps between parameters are not parameters
                double g = store.Grads[i];
                if (decays[i] && !s.DecoupledWeightDecay) g += s.WeightDecay * theta[i];
                m[i] = s.Beta1 * m[i] + (1 - s.Beta1) * g;
                v[i] = s.Beta2 * v[i] + (1 - s.Beta2) * g * g;
                double mHat = m[i] / (1 - Math.Pow(s.Beta1, t)), vHat = v[i] / (1 - Math.Pow(s.Beta2, t));
                if (decays[i] && s.DecoupledWeightDecay) theta[i] -= lr * s.WeightDecay * theta[i];
                theta[i] -= lr * mHat / (Math.Sqrt(vHat) + s.Epsilon);
            }
        }
        return theta;
    }

    [Theory]
    [InlineData(true, 0.01f)]
    [InlineData(false, 0.05f)]
    [InlineData(true, 0f)]
    public void Matches_double_precision_reference(bool decoupled, float weightDecay)
    {
        var settings = new AdamSettings(0.9f, 0.98f, 1e-6f, weightDecay, decoupled);
        var store = Store();
        store.Initialize(3);
        var expected = Reference(store, settings, steps: 5, lr: 1e-2f);
        var optimizer = new AdamOptimizer(store, settings);
        for (int t = 1; t <= 5; t++)
        {
            FillGrads(store, t);
            optimizer.Update(1e-2f);
        }
        Assert.Equal(5, optimizer.Step);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - store.Values[i]) < 2e-5, $"element {i}: expected {expected[i]}, got {store.Values[i]}");
    }

    [Fact]
    public void Decoupled_decay_shrinks_only_decayed_parameters_when_gradients_are_zero()
    {
        var store = Store();
        store.Initialize(1);
        var before = (float[])store.Values.Clone();
        AdamOptimizer.AdamW(store, weightDecay: 0.1f).Update(0.5f);
        Assert.Equal(before[0] * (1 - 0.05f), store.Value("w")[0], 6);
        Assert.Equal(before[store["b"].Offset], store.Value("b")[0]);
    }

    [Fact]
    public void Exported_state_resumes_to_the_same_result()
    {
        var straight = Store();
        straight.Initialize(9);
        var resumed = Store();
        resumed.Initialize(9);
        var a = AdamOptimizer.AdamW(straight);
        for (int t = 1; t <= 5; t++) { FillGrads(straight, t); a.Update(1e-3f); }

        var first = AdamOptimizer.AdamW(resumed);
        for (int t = 1; t <= 3; t++) { FillGrads(resumed, t); first.Update(1e-3f); }
        var state = first.ExportState();
        var second = AdamOptimizer.AdamW(resumed);
        second.ImportState(state);
        for (int t = 4; t <= 5; t++) { FillGrads(resumed, t); second.Update(1e-3f); }

        Assert.Equal(straight.Values, resumed.Values);
        Assert.Equal(5, second.Step);
    }

    [Fact]
    public void State_of_another_model_is_refused()
    {
        var optimizer = AdamOptimizer.Adam(Store());
        var e = Assert.Throws<ArgumentException>(() => optimizer.ImportState(new AdamState(1, new float[3], new float[3])));
        Assert.Contains("different model", e.Message);
    }
}
