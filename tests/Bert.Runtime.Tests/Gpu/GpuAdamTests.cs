using Bert.Graph;
using Bert.Runtime.Gpu;
using Bert.Runtime.Execution;
using Bert.Runtime.Training;
using Bert.Tests;
using Xunit.Abstractions;

namespace Bert.Runtime.Tests.Gpu;

/// <summary>
/// The device Adam/AdamW update and gradient norm against the CPU <see cref="AdamOptimizer"/> and
/// <see cref="GradientChecks"/>, on <see cref="TestGpu"/> (the simulator, or GPU 0 with BERT_TEST_GPU=1). Parameter lengths are multiples of 16 so the CPU
/// store's 16-float alignment and the session's packed spec layout put every parameter at the same offset.
/// </summary>
public sealed class GpuAdamTests(ITestOutputHelper output)
{
    static readonly (string Name, int[] Shape, bool Decay)[] Layout =
    [
        ("w", [100, 96], true),    // several grid-stride blocks
        ("b", [16], false),
        ("gamma", [32], false),
        ("w2", [48, 16], true),
    ];

    static ParameterStore CpuStore()
    {
        var store = ParameterStore.Layout(Layout.Select(p => new ParameterDeclaration(p.Name, p.Shape, Initializer.Normal(0.5f), p.Decay)));
        store.Initialize(7);
        return store;
    }

    static ParameterSpec[] Specs() => [.. Layout.Select(p => new ParameterSpec(p.Name, p.Name, p.Shape, Init.Normal, 0.5f, p.Decay))];

    static void FillGrads(float[] grads, int step)
    {
        for (int i = 0; i < grads.Length; i++) grads[i] = MathF.Sin(i * 0.37f + step) * (1 + i % 5);
    }

    GpuSession Open()
    {
        var session = GpuSession.Open(TestGpu.Spec, TestGpu.NoKernels("AdamOnly"), Specs());
        output.WriteLine(session.Device.ToString());
        return session;
    }

    [Theory]
    [InlineData(true, 0.01f, 0f)]
    [InlineData(false, 0.05f, 0f)]
    [InlineData(true, 0f, 0f)]
    [InlineData(true, 0.01f, 3f)]   // with global-norm clipping
    public void Matches_the_cpu_optimizer(bool decoupled, float weightDecay, float clipNorm)
    {
        var settings = new AdamSettings(0.9f, 0.98f, 1e-6f, weightDecay, decoupled);
        var store = CpuStore();
        using var gpu = Open();
        Assert.Equal(store.Values.Length, gpu.ParameterCount);
        gpu.UploadParameters(store.Values);
        using var adam = gpu.CreateAdam(settings);
        var cpu = new AdamOptimizer(store, settings);

        for (int t = 1; t <= 5; t++)
        {
            FillGrads(store.Grads, t);
            gpu.Upload<float>(store.Grads, gpu.GradientAt(0));
            double gpuNorm = gpu.GradientNorm();
            double cpuNorm = clipNorm > 0 ? GradientChecks.ClipByGlobalNorm(store.Grads, clipNorm) : GradientChecks.GlobalNorm(store.Grads);
            // The device sums in double; the CPU sums 1024-float blocks in float (vectorized, so ~64 additions deep:
            // relative error ≲ 64 · 6e-8 ≈ 4e-6 on Σg², half that on the norm). 1e-5 bounds it with margin.
            Assert.Equal(cpuNorm, gpuNorm, cpuNorm * 1e-5);
            adam.Update(1e-2f, clipNorm > 0 ? GradientChecks.ClipScale(gpuNorm, clipNorm) : 1f);
            cpu.Update(1e-2f);
        }

        float[] actual = new float[gpu.ParameterCount];
        gpu.DownloadParameters(actual);
        // Both sides run the same float formula; they differ only where one fuses a multiply-add the other rounds
        // twice (a few ulps per step), and through the clip factor's rounding. Parameters are O(1) after 5 steps
        // of lr 1e-2, so 1e-5 absolute is ~100 ulps of headroom while any formula error shows up at ≥ 1e-4.
        for (int i = 0; i < actual.Length; i++)
            Assert.True(Math.Abs(store.Values[i] - actual[i]) <= 1e-5f, $"element {i}: CPU {store.Values[i]}, GPU {actual[i]}");
        Assert.Equal(5, adam.Step);
    }

    [Fact]
    public void State_round_trips_and_resumes_like_the_cpu()
    {
        var store = CpuStore();
        using var gpu = Open();
        gpu.UploadParameters(store.Values);
        using var first = gpu.CreateAdam(new AdamSettings());
        FillGrads(store.Grads, 1);
        gpu.Upload<float>(store.Grads, gpu.GradientAt(0));
        first.Update(1e-3f);
        var state = first.ExportState();
        Assert.Equal(1, state.Step);
        Assert.Contains(state.FirstMoment, m => m != 0f);

        using var resumed = gpu.CreateAdam(new AdamSettings());
        resumed.ImportState(state);
        Assert.Equal(state.FirstMoment, resumed.ExportState().FirstMoment);
        Assert.Equal(state.SecondMoment, resumed.ExportState().SecondMoment);
        Assert.Throws<ArgumentException>(() => resumed.ImportState(new AdamState(1, new float[3], new float[3])));
    }

    [Fact]
    public void Gradient_norm_reports_non_finite_gradients()
    {
        using var gpu = Open();
        float[] grads = new float[gpu.ParameterCount];
        grads[123] = float.NaN;
        gpu.Upload<float>(grads, gpu.GradientAt(0));
        Assert.True(double.IsNaN(gpu.GradientNorm()));
    }
}
