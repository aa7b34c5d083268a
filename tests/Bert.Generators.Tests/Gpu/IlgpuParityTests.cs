using Bert.Generators.Emit;
using Bert.Generators.Plan;
using Bert.Generators.Tests.Back;
using Bert.Generators.Tests.Front;
using Bert.Tests;
using Xunit.Abstractions;

namespace Bert.Generators.Tests.Gpu;

/// <summary>
/// Every GPU kernel the generator writes runs here, without a GPU: the generated ILGPU kernels execute on ILGPU's
/// CPU accelerator in the plan's own order (forward, loss, backward), the GEMMs between them done by the plan
/// interpreter, and the loss, outputs and every gradient are compared with the interpreter's double-precision walk of
/// the same kernel IR. Dropout is off (the interpreter draws from a test hash, the kernels from Philox).
/// </summary>
public class IlgpuParityTests(ITestOutputHelper log)
{
    [Fact]
    public void Tiny_model_kernels_match_snapshot()
    {
        Snapshot.Match(IlgpuModelEmitter.Emit(TinyModelPlan.Create()), "CSharp.TinyModel.Ilgpu", "cs");
    }

    public static TheoryData<string> Models() => ["TinyModel", "TutorialBert", "TinyBertClassifier"];

    [Theory]
    [MemberData(nameof(Models))]
    public void Every_kernel_runs_on_the_cpu_accelerator_and_matches_the_interpreter(string model)
    {
        var (plan, symbols) = model switch
        {
            "TinyModel" => (TinyModelPlan.Create(), new Dictionary<string, long> { ["Batch"] = 3, ["Seq"] = 5, ["Vocab"] = 11 }),
            "TutorialBert" => (GradientCheckTests.SmallBert(fuse: true), GradientCheckTests.BertSymbols),
            _ => (SmallClassifier(), new Dictionary<string, long> { ["Vocab"] = 13, ["Batch"] = 3, ["Seq"] = 6, ["Tokens"] = 11 }),
        };
        var reference = GradientCheckTests.Interpreter(plan, symbols, seed: 17);
        using var runner = new IlgpuKernelRunner(plan);
        var onIlgpu = GradientCheckTests.Interpreter(plan, symbols, seed: 17, runner);

        double expectedLoss = reference.Forward(training: false), loss = onIlgpu.Forward(training: false);
        reference.Backward();
        onIlgpu.Backward();

        // fp32 kernels against a double walk: float's 6e-8 relative rounding per op, over chains of a few dozen ops and
        // reductions of at most a few hundred terms, stays below 1e-5 of a tensor's scale (measured: 1e-6 at most).
        const double tolerance = 2e-5;
        Assert.True(Math.Abs(loss - expectedLoss) <= tolerance * (1 + Math.Abs(expectedLoss)), $"loss {loss} vs {expectedLoss}");
        log.WriteLine($"{model}: {plan.Kernels.Length} kernels on ILGPU's CPU accelerator; loss {loss:G9} vs {expectedLoss:G9}");
        foreach (var output in plan.Outputs) AssertClose(reference.Output(output.Name), onIlgpu.Output(output.Name), tolerance, output.Name);
        foreach (var p in plan.Params) AssertClose(reference.Grads[p.Name], onIlgpu.Grads[p.Name], tolerance, "d" + p.Name);
        Assert.Equal(plan.Kernels.Select(k => k.Name).Order(), runner.Launched.Order());
    }

    /// <summary>The fine-tuning classifier declaration of Bert.Samples (GELU, embedding LayerNorm, pooler) at 8 hidden, 2 layers.</summary>
    internal static ExecutionPlan SmallClassifier([System.Runtime.CompilerServices.CallerFilePath] string here = "")
    {
        string models = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "../../../Bert.Samples/Models"));
        var sources = new[] { "BertClassifiers.cs", "BertEmbeddings.cs", "EncoderBlock.cs" }.Select(f => File.ReadAllText(Path.Combine(models, f))).ToArray();
        const string dims = "Hidden = 128, Heads = 2, FfnHidden = 512, Layers = 2, MaxPositions = 512";
        Assert.Contains(dims, sources[0]);
        sources[0] = sources[0].Replace(dims, "Hidden = 8, Heads = 2, FfnHidden = 16, Layers = 2, MaxPositions = 8");
        var parsed = TestCompiler.Parse(sources, "TinyBertClassifier");
        Assert.True(parsed.Graph != null, string.Join("\n", parsed.Diagnostics));
        return Bert.Generators.Passes.PlanBuilder.Build(parsed.Graph!);
    }

    /// <summary>|a − b| ≤ tolerance · (1 + max |reference|) per tensor: fp32 rounding scales with the tensor's magnitude.</summary>
    void AssertClose(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 1 + expected.Select(Math.Abs).DefaultIfEmpty(0).Max(), worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        log.WriteLine($"  {what}: max abs error {worst:G3} (scale {scale:G3})");
        Assert.True(worst <= tolerance * scale, $"{what}: max |ILGPU − interpreter| = {worst:G3}, allowed {tolerance * scale:G3}");
    }
}
