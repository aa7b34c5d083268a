using Bert.Generators.Emit;
using Bert.Runtime;
using Bert.Runtime.Execution;
using Bert.Runtime.Gpu;
using Bert.Tests;
using Xunit.Abstractions;

namespace Bert.Generators.Tests.Back;

/// <summary>
/// The GPU program emitted beside the CPU one: its text, and runs of ForwardOn/BackwardOn (every kernel launch, GEMM,
/// clear and copy in its order) on <see cref="TestGpu"/> (the simulator, or GPU 0 with BERT_TEST_GPU=1) against the
/// CPU Forward/Backward of the same compiled model, dropout included, since both draw from Philox.
/// </summary>
public sealed class GpuModelTests(ITestOutputHelper output)
{
    [Fact]
    public void Emitted_gpu_program_matches_snapshot()
    {
        Snapshot.Match(CSharpGpuModelEmitter.Emit(TinyModelPlan.Create()), "CSharp.TinyModel.Gpu", "cs");
    }

    [Fact]
    public void Gpu_steps_mirror_the_cpu_steps_one_for_one()
    {
        // The same walk renders both programs: every CPU kernel call, GEMM and clear has its GPU counterpart, in order.
        string cpu = Between(CSharpModelEmitter.Emit(TinyModelPlan.Create()), "public float Forward(", "public void Dispose()");
        string gpu = Between(CSharpGpuModelEmitter.Emit(TinyModelPlan.Create()), "public float ForwardOn(", "public void DownloadOutputs(");
        // The GPU side adds the inputs' upload and its reports of final gradients (for data-parallel reduction).
        Assert.Equal(Comments(cpu), Comments(gpu).Where(c => c != "// Inputs, from the host spans the caller filled" && !c.StartsWith("// Final gradients: ", StringComparison.Ordinal)));
        Assert.Equal(CountOf(cpu, "Blas.Sgemm("), CountOf(gpu, "gpu.Gemm("));
        Assert.Equal(CountOf(cpu, "Blas.SgemmStridedBatched("), CountOf(gpu, "gpu.GemmStridedBatched("));
        Assert.Equal(CountOf(cpu, ").Clear();"), CountOf(gpu, "gpu.Zero("));
        Assert.Equal(TinyModelPlan.Create().Forward.Length + TinyModelPlan.Create().Backward.Length, CountOf(gpu, "gpu.Launch(") + CountOf(gpu, "gpu.Gemm") + CountOf(gpu, "gpu.Zero("));
    }

    static string Between(string text, string start, string end)
    {
        int from = text.IndexOf(start, StringComparison.Ordinal);
        return text[from..text.IndexOf(end, from, StringComparison.Ordinal)];
    }

    static string[] Comments(string source) =>
        [.. source.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("// ", StringComparison.Ordinal))];

    static int CountOf(string text, string what) => (text.Length - text.Replace(what, "").Length) / what.Length;

    /// <summary>
    /// Tolerances are relative to each tensor's largest magnitude. fp32: the two sides differ only in summation
    /// order (GEMMs with K ≤ 132, group reductions over ≤ 2112 values, atomics in the embedding scatter), a few
    /// float ulps: typical √n·6e-8 ≈ 3e-6, so 2e-5 has margin while a wrong index or mask is off by O(1).
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Gpu_forward_and_backward_match_the_cpu(bool training) => ForwardAndBackwardMatchTheCpu(training, GemmPrecision.Fp32, 2e-5);

    /// <summary>
    /// Tensor-core GEMMs (a GPU's; the simulator computes in fp32). TF32 rounds GEMM inputs to 10-bit mantissas
    /// (≈ 5e-4 each, ≈ 1e-3 per product): 5e-3. bf16 rounds them to 8 bits (≈ 2e-3 each, ≈ 4e-3 per product) before
    /// fp32 accumulation: 2e-2.
    /// </summary>
    [GpuTheory]
    [InlineData(GemmPrecision.Tf32, 5e-3)]
    [InlineData(GemmPrecision.Bf16, 2e-2)]
    public void Gpu_forward_and_backward_with_tensor_core_gemms_match_the_cpu(GemmPrecision precision, double tolerance) =>
        ForwardAndBackwardMatchTheCpu(true, precision, tolerance);

    void ForwardAndBackwardMatchTheCpu(bool training, GemmPrecision precision, double tolerance)
    {
        const int batch = 4, seq = 33;   // 132 tokens: several groups per grid-stride kernel, colliding embedding rows
        const ulong seed = 11;
        using var model = CSharpModelTests.CreateModel();
        model.InitializeParameters(3);
        model.Bind(batch, seq);
        for (int i = 0; i < batch * seq; i++) model.TokensInput[i] = (i * 5 + i / 7) % CSharpModelTests.Vocab;

        float cpuLoss = model.Forward(training, seed);
        model.Backward();
        float[] cpuHidden = model.Hidden.ToArray(), cpuLastToken = model.LastToken.ToArray(), cpuGradients = [.. model.ParameterGradients];

        using var gpu = model.OpenGpu(TestGpu.Spec, new GpuOptions(precision));
        output.WriteLine($"{gpu.Device}, GEMMs in {gpu.GemmPrecision}");
        float gpuLoss = model.ForwardOn(gpu, training, seed);
        model.BackwardOn(gpu);
        model.DownloadOutputs(gpu);
        float[] gpuGradients = new float[gpu.ParameterCount];
        gpu.DownloadGradients(gpuGradients);

        AssertClose("loss", [cpuLoss], [gpuLoss], tolerance);
        AssertClose("loss output", [cpuLoss], model.Loss.ToArray(), tolerance);
        AssertClose("Hidden", cpuHidden, model.Hidden.ToArray(), tolerance);
        AssertClose("LastToken", cpuLastToken, model.LastToken.ToArray(), tolerance);
        AssertClose("gradients", cpuGradients, gpuGradients, tolerance);
        Assert.True(gpu.ArenaCapacityBytes >= model.ArenaBytes);
    }

    [Fact]
    public void Passes_must_run_in_order_on_one_session()
    {
        using var model = CSharpModelTests.CreateModel();
        model.InitializeParameters(1);
        using var gpu = model.OpenGpu(TestGpu.Spec);
        Assert.Contains("Bind(batch, seq)", Assert.Throws<CompiledModelException>(() => model.ForwardOn(gpu, false, 0)).Message);
        model.Bind(2, 3);
        for (int i = 0; i < 6; i++) model.TokensInput[i] = i;
        Assert.Contains("ForwardOn", Assert.Throws<CompiledModelException>(() => model.BackwardOn(gpu)).Message);
        float loss = model.ForwardOn(gpu, true, 5);
        Assert.Equal(loss, model.DownloadLoss(gpu)[0]);
        // The activations are on the GPU: the CPU backward refuses them, and rebinding discards them.
        Assert.Contains("Forward", Assert.Throws<CompiledModelException>(model.Backward).Message);
        model.BackwardOn(gpu);
        model.Bind(2, 4);
        Assert.Throws<CompiledModelException>(() => model.BackwardOn(gpu));
        Assert.Throws<CompiledModelException>(() => model.DownloadLoss(gpu));

        // A session opened for a model of other dimensions is refused.
        using var other = (Support.ITinyModel)Activator.CreateInstance(model.GetType(), CSharpModelTests.Vocab + 1)!;
        other.Bind(2, 3);
        Assert.Contains("other dimensions", Assert.Throws<CompiledModelException>(() => other.ForwardOn(gpu, false, 0)).Message);
    }

    [Fact]
    public void Training_steps_stay_on_the_device_and_lower_the_loss()
    {
        using var model = CSharpModelTests.CreateModel();
        model.InitializeParameters(2);
        model.Bind(4, 8);
        for (int i = 0; i < 32; i++) model.TokensInput[i] = i % CSharpModelTests.Vocab;
        using var gpu = model.OpenGpu(TestGpu.Spec);
        using var adam = gpu.CreateAdam(new Bert.Runtime.Training.AdamSettings());
        float first = model.ForwardOn(gpu, false, 0), last = first;
        for (int step = 0; step < 20; step++)
        {
            model.BackwardOn(gpu);
            Assert.True(double.IsFinite(gpu.GradientNorm()));
            adam.Update(1e-2f);
            last = model.ForwardOn(gpu, false, 0);
        }
        output.WriteLine($"loss {first} → {last}");
        Assert.True(last < first * 0.9f, $"the loss Σz²/n should fall under Adam: {first} → {last}");

        // Checkpoint: the trained parameters come back to the host model, whose CPU forward agrees.
        gpu.DownloadParameters(model.ParameterValues);
        Assert.Equal(last, model.Forward(false, 0), last * 2e-5f);
    }

    static void AssertClose(string what, float[] expected, float[] actual, double relativeTolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1e-30, expected.Max(v => Math.Abs((double)v)));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= relativeTolerance * scale,
                $"{what}[{i}]: CPU {expected[i]}, GPU {actual[i]} (tolerance {relativeTolerance * scale:G3})");
    }
}
