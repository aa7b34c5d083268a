using System.Text.RegularExpressions;
using Bert.Generators.Common;
using Bert.Generators.Emit;
using Bert.Generators.Kernels;
using Bert.Generators.Passes;
using Bert.Generators.Tests.Back.Support;
using Bert.Runtime.Execution;
using Bert.Tests;
using static Bert.Generators.Tests.Back.SampleKernels;

namespace Bert.Generators.Tests.Back;

/// <summary>Emitted C# kernels: their text (snapshots) and their results against plain reference loops.</summary>
public class CSharpKernelTests
{
    const int Batch = 3, Seq = 5, Tokens = Batch * Seq;
    static readonly Dictionary<string, int> Symbols = new() { ["Batch"] = Batch, ["Seq"] = Seq };
    static readonly Lazy<KernelHarness> Harness = new(() => KernelHarness.Compile(All));

    /// <summary>The C# of <paramref name="kernel"/> as the pipeline finishes it (<see cref="KernelRewrites"/>) and the emitter prints it.</summary>
    static string Emit(Kernel kernel)
    {
        var w = new CodeWriter();
        new CSharpKernelEmitter().Emit(KernelRewrites.Apply(kernel), w);
        return w.ToString();
    }

    [Theory]
    [InlineData("BiasGelu")]
    [InlineData("Dropout")]
    [InlineData("LayerNorm")]
    [InlineData("MaskedSoftmax")]
    [InlineData("EmbeddingBackward")]
    public void Emitted_kernel_matches_snapshot(string kernel)
    {
        var sample = (Kernel)typeof(SampleKernels).GetProperty(kernel)!.GetValue(null)!;
        Snapshot.Match(Emit(sample), "CSharp." + kernel, "cs");
    }

    [Fact]
    public void Bias_gelu_matches_reference()
    {
        float[] x = Random(Tokens * Hidden, 1), bias = Random(Hidden, 2), h = new float[Tokens * Hidden];
        Harness.Value.Run(BiasGelu.Name, new() { ["x"] = x, ["bias"] = bias, ["h"] = h }, symbols: Symbols);

        for (int t = 0; t < Tokens; t++)
        {
            for (int c = 0; c < Hidden; c++)
            {
                float v = x[t * Hidden + c] + bias[c];
                float expected = 0.5f * v * (1f + KernelMath.Erf(v / MathF.Sqrt(2f)));
                Assert.Equal(expected, h[t * Hidden + c], 1e-6f);
            }
        }
    }

    /// <summary>
    /// An element loop that broadcasts a bias over rows runs as a row loop, a vector of columns at a time, with the same
    /// values (the same bits) on 8 and on 16 lanes.
    /// </summary>
    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void Bias_relu_runs_as_a_vectorized_row_loop_and_matches_reference(int lanes)
    {
        string text = Emit(BiasRelu);
        Assert.Contains("for (int row = start; row < end; row++)", text);
        Assert.Contains("TLanes.Load(bias + j)", text);
        Assert.DoesNotContain("%", text);

        float[] x = Random(Tokens * Hidden, 4), bias = Random(Hidden, 5), h = new float[Tokens * Hidden];
        Harness.Value.Run(BiasRelu.Name, new() { ["x"] = x, ["bias"] = bias, ["h"] = h }, symbols: Symbols, lanes: lanes);
        for (int t = 0; t < Tokens; t++)
            for (int c = 0; c < Hidden; c++)
                Assert.Equal(MathF.Max(x[t * Hidden + c] + bias[c], 0f), h[t * Hidden + c]);
    }

    /// <summary>Σ exp(x) then y = exp(x) / Σ over rows of Hidden; <paramref name="readFirst"/> adds a store that reads y before y is written.</summary>
    static Kernel ExpSumThenStore(bool readFirst)
    {
        var at = Ir.Add(Ir.Mul(Ir.V("row"), Ir.I(Hidden)), Ir.V("j"));
        var exp = Ir.Unary(UnaryOp.Exp, Ir.Load("x", at));
        var stores = new List<Stmt>();
        if (readFirst) stores.Add(Ir.Store("z", at, Ir.Load("y", at)));
        stores.Add(Ir.Store("y", at, Ir.Div(exp, Ir.V("total"))));
        return new Kernel("Sample_ExpSum", Ir.List("Softmax"), Ir.List(Ir.In("x"), Ir.Out("y"), Ir.Out("z")), Ir.List<KernelScalar>(),
            new RowwiseBody(SizeExpr.Symbol("Batch"), SizeExpr.Constant(Hidden), Ir.List<RowStage>(
                new ReduceStage("total", ReduceOp.Sum, exp), new MapStage([.. stores]))));
    }

    [Fact]
    public void A_costly_term_shared_by_a_reduction_and_a_later_store_is_computed_once()
    {
        string text = Emit(ExpSumThenStore(readFirst: false));
        Assert.Single(Regex.Matches(text, @"KernelMath\.Exp\("));
        Assert.Contains("TLanes.Store(KernelMath.Exp(TLanes.Load(x + (row * 16 + j))), y + (row * 16 + j));", text);
        Assert.Contains("totalLanes += TLanes.Load(y + (row * 16 + j));", text);
    }

    [Fact]
    public void A_buffer_read_before_its_store_is_not_used_to_park_a_term()
    {
        string text = Emit(ExpSumThenStore(readFirst: true));
        Assert.Equal(2, Regex.Matches(text, @"KernelMath\.Exp\(").Count);
    }

    /// <summary>The same bits on 8 and on 16 lanes: each lane's draw is the scalar draw at its counter.</summary>
    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void Dropout_zeroes_the_elements_whose_uniform_is_below_p_and_scales_the_rest(int lanes)
    {
        const float p = 0.3f;
        const ulong seed = 42;
        float[] x = Random(Tokens * Hidden, 3), y = new float[Tokens * Hidden];
        Harness.Value.Run(Dropout.Name, new() { ["x"] = x, ["y"] = y }, new() { ["p"] = p, ["seed"] = seed }, Symbols, lanes);

        int dropped = 0;
        for (int i = 0; i < x.Length; i++)
        {
            bool drop = global::Bert.Runtime.Cpu.Philox.Uniform(seed, (ulong)i) < p;
            dropped += drop ? 1 : 0;
            Assert.Equal(drop ? 0f : x[i] / (1f - p), y[i]);
        }
        Assert.InRange(dropped, 1, x.Length - 1);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void Layer_norm_matches_reference_and_saves_row_statistics(int lanes)
    {
        float[] x = Random(Tokens * Hidden, 4), gamma = Random(Hidden, 5), beta = Random(Hidden, 6);
        float[] y = new float[Tokens * Hidden], mean = new float[Tokens], rstd = new float[Tokens];
        const float eps = 1e-5f;
        Harness.Value.Run(LayerNorm.Name,
            new() { ["x"] = x, ["gamma"] = gamma, ["beta"] = beta, ["y"] = y, ["mean"] = mean, ["rstd"] = rstd },
            new() { ["eps"] = eps }, Symbols, lanes);

        for (int t = 0; t < Tokens; t++)
        {
            var row = x.AsSpan(t * Hidden, Hidden);
            double mu = 0, variance = 0;
            foreach (float v in row) mu += v;
            mu /= Hidden;
            foreach (float v in row) variance += (v - mu) * (v - mu);
            variance /= Hidden;
            double inverse = 1 / Math.Sqrt(variance + eps);
            Assert.Equal(mu, mean[t], 1e-5);
            Assert.Equal(inverse, rstd[t], 1e-4 * inverse);
            for (int c = 0; c < Hidden; c++)
                Assert.Equal((row[c] - mu) * inverse * gamma[c] + beta[c], y[t * Hidden + c], 1e-4);
        }
    }

    /// <summary>5 keys run the scalar loops only; 19 run two 8-wide vector steps and a 3-key scalar tail, or one 16-wide step and a 3-key tail.</summary>
    [Theory]
    [InlineData(Seq, 8)]
    [InlineData(19, 8)]
    [InlineData(19, 16)]
    public void Masked_softmax_gives_zero_to_masked_keys_and_sums_to_one(int seq, int lanes)
    {
        float[] scores = Random(Batch * Heads * seq * seq, 7), probs = new float[scores.Length];
        int[] validLens = [seq, seq / 2 + 1, 1];
        const float scale = 0.5f;
        Harness.Value.Run(MaskedSoftmax.Name,
            new() { ["scores"] = scores, ["validLens"] = validLens, ["probs"] = probs }, new() { ["scale"] = scale },
            new() { ["Batch"] = Batch, ["Seq"] = seq }, lanes);

        for (int row = 0; row < Batch * Heads * seq; row++)
        {
            int valid = validLens[row / (Heads * seq)];
            double max = double.NegativeInfinity, total = 0;
            for (int k = 0; k < valid; k++) max = Math.Max(max, scores[row * seq + k] * scale);
            for (int k = 0; k < valid; k++) total += Math.Exp(scores[row * seq + k] * scale - max);
            for (int k = 0; k < seq; k++)
            {
                double expected = k < valid ? Math.Exp(scores[row * seq + k] * scale - max) / total : 0;
                Assert.Equal(expected, probs[row * seq + k], 1e-6);
            }
        }
    }

    [Fact]
    public void Embedding_backward_adds_every_token_gradient_into_its_row_even_for_repeated_ids()
    {
        const int vocab = 4;
        int[] ids = [.. Enumerable.Range(0, Tokens).Select(t => t * 7 % 3)];   // ids repeat: rows collide
        float[] dOut = Random(Tokens * Hidden, 8), dTable = Random(vocab * Hidden, 9);
        float[] expected = (float[])dTable.Clone();
        for (int t = 0; t < Tokens; t++)
            for (int c = 0; c < Hidden; c++) expected[ids[t] * Hidden + c] += dOut[t * Hidden + c];

        Harness.Value.Run(EmbeddingBackward.Name, new() { ["ids"] = ids, ["dOut"] = dOut, ["dTable"] = dTable }, symbols: Symbols);

        Assert.Equal(expected, dTable);
    }

    static float[] Random(int length, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 4 - 2))];
    }
}
