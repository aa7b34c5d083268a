using Bert.Generators.Plan;

namespace Bert.Generators.Tests.Front;

/// <summary>
/// Backward against central finite differences of Forward, in double precision (<see cref="PlanInterpreter"/>),
/// for small models exercising every op, and for a downsized copy of the sample BERT. In double precision
/// with h = 1e-5 the central difference is accurate to ~1e-9, so a mismatch above 1e-6 + 1e-5·|g| is a wrong
/// gradient rule, not noise (the kernel IR's float constants, e.g. 1/√2 in GELU, agree to ~1e-7 relative).
/// </summary>
public class GradientCheckTests
{
    const string OpModel = """
        [Model]
        public partial class OpModel
        {
            [Dim] public const int Width = 4, Classes = 3, Heads = 2, MaxLength = 6, Rows = 5;
            [Dim] public int Batch, Seq;
            [Hyper] public float Rate = 0.3f;
            [Input("Batch, Seq, Width")] public Tensor X;
            [Input("Batch, Seq")] public IntTensor Ids;
            [Input("Batch, Seq")] public IntTensor Labels;
            [Input("Batch, Seq")] public Tensor Weights;
            [Input("Batch, 2")] public IntTensor Picks;
            [Input("Batch, 2")] public IntTensor PickLabels;
            [Input("Batch")] public IntTensor Lens;
            [Input("4")] public IntTensor RowPicks;
            [Input("4")] public IntTensor RowPickLabels;
            [Input("Batch")] public IntTensor BatchLabels;
            [Param("Width, Width")] public Tensor W;
            [Param("Width")] public Tensor B;
            [Param("Width", Init = Init.Ones)] public Tensor Gamma;
            [Param("Classes, Width")] public Tensor Head;
            [Param("Classes")] public Tensor HeadBias;
            [Param("Rows, Width")] public Tensor Table;
            [Param("MaxLength, Width")] public Tensor PositionTable;
            [Forward]
            public Tensor Forward()
            {
                BODY
            }
        }
        """;

    const string Classify = "return CrossEntropy(Dense(y, Head, HeadBias), Labels);";

    public static TheoryData<string, string, bool> Ops() => new()
    {
        // name, Forward body, training (dropout on)
        { "Dense", "var y = Dense(X, W, B); " + Classify, false },
        { "DenseWithoutBias", "var y = Dense(X, W); " + Classify, false },
        { "Gelu", "var y = Gelu(Dense(X, W, B)); " + Classify, false },
        { "Relu", "var y = Relu(Dense(X, W, B)); " + Classify, false },
        { "Tanh", "var y = Tanh(Dense(X, W, B)); " + Classify, false },
        { "LayerNorm", "var y = LayerNorm(Dense(X, W), Gamma, B); " + Classify, false },
        { "AddSubMul", "var a = Dense(X, W); var y = a * Dense(X, W, B) - Tanh(a) + X; " + Classify, false },
        { "BroadcastAdd", "var y = Dense(X, W) + Gamma - B; " + Classify, false },
        { "Scale", "var y = Scale(Dense(X, W), 0.7f) * 2f; " + Classify, false },
        { "Embedding", "var y = Embedding(Table, Ids) * Dense(X, W); " + Classify, false },
        { "Positions", "var y = Tanh(Dense(X, W) + Positions(PositionTable, Seq)); " + Classify, false },
        { "Dropout", "var y = Dropout(Tanh(Dense(X, W, B)), Rate); " + Classify, true },
        { "Attention", """
            var q = SplitHeads(Dense(X, W), Heads);
            var k = SplitHeads(Dense(X, W, B), Heads);
            var attention = Dropout(MaskedSoftmax(MatMulTransposed(q, k) * 0.5f, Lens), 0.25f);
            var y = MergeHeads(MatMul(attention, k));
            """ + Classify, true },
        { "Gather", "var y = Gather(Tanh(Dense(X, W, B)), Picks); return CrossEntropy(Dense(y, Head, HeadBias), PickLabels);", false },
        { "GatherRows", "var y = GatherRows(Tanh(Dense(X, W, B)), RowPicks); return CrossEntropy(Dense(y, Head, HeadBias), RowPickLabels);", false },
        { "Token", "var y = Token(Tanh(Dense(X, W, B)), 1); return CrossEntropy(Dense(y, Head, HeadBias), BatchLabels);", false },
        { "WeightedCrossEntropy", "var y = Relu(Dense(X, W, B)); return WeightedCrossEntropy(Dense(y, Head, HeadBias), Labels, Weights);", false },
        { "ReusedParameter", "var y = Dense(Tanh(Dense(X, W, B)), W, B); " + Classify, false },
        { "LossSum", "var y = Tanh(Dense(X, W)); return CrossEntropy(Dense(y, Head), Labels) + CrossEntropy(Dense(Token(y, 0), Head, HeadBias), BatchLabels);", false },
    };

    static readonly Dictionary<string, long> OpSymbols = new() { ["Batch"] = 2, ["Seq"] = 3 };

    [Theory]
    [MemberData(nameof(Ops))]
    public void OpGradientsMatchFiniteDifferences(string name, string body, bool training)
    {
        var source = TestCompiler.Usings + OpModel.Replace("BODY", body);
        foreach (bool fuse in new[] { true, false })
        {
            var plan = Plans.Build(fuse ? new[] { source } : Plans.Unfused(new[] { source })).Plan;
            var run = Interpreter(plan, OpSymbols, seed: name.Length);
            CheckGradients(run, training, samplesPerParam: 6);
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void SmallBertGradientsMatchFiniteDifferences()
    {
        var run = Interpreter(SmallBert(fuse: true), BertSymbols, seed: 7);
        CheckGradients(run, training: true, samplesPerParam: 3);
    }

    [Fact]
    public void FusedAndUnfusedBertAgree()
    {
        var fused = Interpreter(SmallBert(fuse: true), BertSymbols, seed: 3);
        var unfused = Interpreter(SmallBert(fuse: false), BertSymbols, seed: 3);
        double loss = fused.Forward(training: true, seed: 11);
        Assert.Equal(loss, unfused.Forward(training: true, seed: 11), 10);
        foreach (var output in new[] { "Encodings", "MlmLogits", "NspLogits", "MlmLoss", "NspLoss" })
            AssertClose(unfused.Output(output), fused.Output(output), 1e-10, output);
        fused.Backward();
        unfused.Backward();
        foreach (var p in fused.Grads.Keys) AssertClose(unfused.Grads[p], fused.Grads[p], 1e-10, p);
        Assert.True(fused.Grads.Values.All(g => g.Any(v => v != 0)), "every parameter gets a gradient");
    }

    [Fact]
    public void EvaluationDisablesDropoutAndTrainingEnablesIt()
    {
        var run = Interpreter(SmallBert(fuse: true), BertSymbols, seed: 5);
        double eval1 = run.Forward(training: false, seed: 1), eval2 = run.Forward(training: false, seed: 2);
        double train1 = run.Forward(training: true, seed: 1), train2 = run.Forward(training: true, seed: 2);
        Assert.Equal(eval1, eval2);
        Assert.NotEqual(train1, train2);
        Assert.Equal(train1, run.Forward(training: true, seed: 1));
    }

    internal static readonly Dictionary<string, long> BertSymbols = new() { ["Vocab"] = 13, ["Batch"] = 2, ["Seq"] = 5, ["Tokens"] = 7, ["Masked"] = 3 };

    /// <summary>The sample TutorialBert and EncoderBlock, downsized (Hidden 8, FFN 16, 8 positions).</summary>
    internal static ExecutionPlan SmallBert(bool fuse)
    {
        var sources = TestCompiler.TutorialSources();
        const string dims = "Hidden = 128, Heads = 2, FfnHidden = 256, Layers = 2, MaxPositions = 1000";
        Assert.Contains(dims, sources[0]);
        sources[0] = sources[0].Replace(dims, "Hidden = 8, Heads = 2, FfnHidden = 16, Layers = 2, MaxPositions = 8");
        return Plans.Build(fuse ? sources : Plans.Unfused(sources)).Plan;
    }

    /// <summary>An interpreter with random parameters (σ = 0.5, LayerNorm scales around 1) and random valid inputs.</summary>
    internal static PlanInterpreter Interpreter(ExecutionPlan plan, Dictionary<string, long> symbols, int seed, IKernelRunner? kernels = null)
    {
        var random = new Random(seed);
        var run = new PlanInterpreter(plan, symbols, new Dictionary<string, double> { ["Rate"] = 0.3, ["Dropout"] = 0.2 }) { KernelRunner = kernels };
        foreach (var p in plan.Params)
            for (int i = 0; i < run.Params[p.Name].Length; i++)
                run.Params[p.Name][i] = (p.Init == "Ones" ? 1 : 0) + 0.5 * Gaussian(random);
        foreach (var input in plan.Inputs)
        {
            var values = run.Inputs[input.Name];
            // Integer inputs index the dimension that follows them in the model: pick ranges that are always valid.
            int bound = input.Name switch
            {
                "Tokens" or "TokenIds" or "MlmLabels" => (int)symbols["Vocab"],
                "PositionIds" => 8,
                "TokenRows" => (int)(symbols["Batch"] * symbols["Seq"]),
                "PaddedRows" or "FirstRows" => (int)symbols["Tokens"],
                "Segments" or "NspLabels" or "PickLabels" or "RowPickLabels" or "Labels" => 2,
                "MaskedRows" => (int)symbols["Tokens"],
                "RowPicks" => (int)(symbols["Batch"] * symbols["Seq"]),
                "ValidLens" or "Lens" => (int)symbols["Seq"],
                "Picks" => (int)symbols["Seq"],
                "Ids" => 5,
                _ => 3,
            };
            for (int i = 0; i < values.Length; i++)
                values[i] = input.Type == Kernels.ScalarType.I32
                    ? (input.Name is "ValidLens" or "Lens" ? 1 + random.Next(bound) : random.Next(bound))
                    : input.Name.Contains("Weights") ? 0.5 + random.NextDouble() : Gaussian(random);
        }
        return run;
    }

    static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    static void CheckGradients(PlanInterpreter run, bool training, int samplesPerParam)
    {
        const double h = 1e-5;
        run.Forward(training, seed: 42);
        run.Backward();
        var random = new Random(1);
        foreach (var (name, values) in run.Params)
        {
            var analytic = run.Grads[name].ToArray();
            for (int s = 0; s < Math.Min(samplesPerParam, values.Length); s++)
            {
                int i = random.Next(values.Length);
                double saved = values[i];
                values[i] = saved + h;
                double up = run.Forward(training, seed: 42);
                values[i] = saved - h;
                double down = run.Forward(training, seed: 42);
                values[i] = saved;
                double numeric = (up - down) / (2 * h);
                double tolerance = 1e-6 + 1e-5 * Math.Max(Math.Abs(numeric), Math.Abs(analytic[i]));
                Assert.True(Math.Abs(numeric - analytic[i]) <= tolerance,
                    $"d loss / d {name}[{i}]: backward {analytic[i]:G10}, finite difference {numeric:G10}");
            }
        }
    }

    static void AssertClose(double[] expected, double[] actual, double relative, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= relative * (1 + Math.Abs(expected[i])),
                $"{what}[{i}]: unfused {expected[i]:G17}, fused {actual[i]:G17}");
    }
}
