using Bert.Runtime.Training;

namespace Bert.Runtime.Tests.Training;

public class ParameterStoreTests
{
    static ParameterStore Small(params ParameterDeclaration[] extraFirst) => ParameterStore.Layout(
    [
        .. extraFirst,
        new("embeddings.word", [50, 8], Initializer.Normal(0.02f), Decay: true),
        new("layer0.ln.gamma", [8], Initializer.Ones, Decay: false),
        new("layer0.ln.beta", [8], Initializer.Zeros, Decay: false),
        new("layer0.dense.w", [8, 13], Initializer.Normal(0.5f), Decay: true),
    ]);

    [Fact]
    public void Layout_places_parameters_in_order_aligned_and_without_overlap()
    {
        var store = Small();
        long end = 0;
        foreach (var p in store.Parameters)
        {
            Assert.Equal(0, p.Offset % ParameterStore.Alignment);
            Assert.True(p.Offset >= end);
            Assert.Equal(ParameterInfo.ElementCount(p.Shape), p.Length);
            end = p.Offset + p.Length;
        }
        Assert.Equal(end, store.Values.Length);
        Assert.Equal(store.Values.Length, store.Grads.Length);
        Assert.Equal(400 + 8 + 8 + 104, store.ParameterCount);
    }

    [Fact]
    public void Spans_by_name_and_index_alias_the_flat_arrays()
    {
        var store = Small();
        var info = store["layer0.ln.beta"];
        store.Value("layer0.ln.beta")[3] = 7f;
        store.Grad(store.IndexOf("layer0.ln.beta"))[5] = -2f;
        Assert.Equal(7f, store.Values[info.Offset + 3]);
        Assert.Equal(-2f, store.Grads[info.Offset + 5]);
        store.ZeroGrads();
        Assert.All(store.Grads, g => Assert.Equal(0f, g));
        Assert.Throws<KeyNotFoundException>(() => store.Value("missing"));
    }

    [Fact]
    public void Bad_tables_are_refused_with_the_parameter_name()
    {
        var overlap = Assert.Throws<ArgumentException>(() => new ParameterStore(
            [new("a", [4], 0, 4, Initializer.Zeros, false), new("b", [4], 2, 4, Initializer.Zeros, false)]));
        Assert.Contains("'b'", overlap.Message);
        var length = Assert.Throws<ArgumentException>(() => new ParameterStore([new("c", [2, 3], 0, 5, Initializer.Zeros, false)]));
        Assert.Contains("'c'", length.Message);
        var twice = Assert.Throws<ArgumentException>(() => new ParameterStore(
            [new("d", [1], 0, 1, Initializer.Zeros, false), new("d", [1], 16, 1, Initializer.Zeros, false)]));
        Assert.Contains("'d'", twice.Message);
    }

    [Fact]
    public void Initialize_follows_each_initializer()
    {
        var store = Small();
        store.Initialize(seed: 1);
        Assert.All(store.Value("layer0.ln.gamma").ToArray(), x => Assert.Equal(1f, x));
        Assert.All(store.Value("layer0.ln.beta").ToArray(), x => Assert.Equal(0f, x));
        static (double Mean, double Std) Moments(float[] values)
        {
            double mean = values.Average();
            return (mean, Math.Sqrt(values.Average(x => (x - mean) * (x - mean))));
        }
        // Each parameter at its own scale: 104 draws of N(0, 0.5²), and the embedding's many of N(0, 0.02²).
        var (_, denseStd) = Moments(store.Value("layer0.dense.w").ToArray());
        Assert.InRange(denseStd, 0.35, 0.65);
        var (mean, std) = Moments(store.Value("embeddings.word").ToArray());
        Assert.InRange(mean, -0.004, 0.004);
        Assert.InRange(std, 0.017, 0.023);
    }

    [Fact]
    public void Initialize_is_deterministic_per_seed_and_independent_of_layout()
    {
        var a = Small();
        var b = Small();
        var shifted = Small(new ParameterDeclaration("extra", [37], Initializer.Normal(1f), Decay: true));
        a.Initialize(5);
        b.Initialize(5);
        shifted.Initialize(5);
        Assert.Equal(a.Values, b.Values);
        Assert.Equal(a.Value("layer0.dense.w").ToArray(), shifted.Value("layer0.dense.w").ToArray());
        b.Initialize(6);
        Assert.NotEqual(a.Value("embeddings.word").ToArray(), b.Value("embeddings.word").ToArray());
    }
}
