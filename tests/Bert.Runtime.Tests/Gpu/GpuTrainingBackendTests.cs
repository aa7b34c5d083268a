using Bert.Graph;
using Bert.Runtime.Checkpoints;
using Bert.Runtime.Gpu;
using Bert.Runtime.Execution;
using Bert.Runtime.Trainer;
using Bert.Runtime.Training;
using Bert.Tests;
using Xunit.Abstractions;

namespace Bert.Runtime.Tests.Gpu;

/// <summary>
/// The GPU <see cref="TrainingBackend"/> against the host one on the same gradients: the shared step (norm,
/// divergence check, clipping, Adam) and the checkpoint round trip between devices, on <see cref="TestGpu"/> (the
/// simulator, or GPU 0 with BERT_TEST_GPU=1).
/// Parameter lengths are multiples of 16, so the host store's aligned layout and the session's packed one agree.
/// </summary>
public sealed class GpuTrainingBackendTests(ITestOutputHelper output) : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("bert-gpu-backend-").FullName;

    static readonly (string Name, int[] Shape, bool Decay)[] Layout =
    [
        ("encoder.weight", [100, 96], true),
        ("encoder.bias", [16], false),
        ("head.weight", [48, 16], true),
    ];

    static ParameterStore Store()
    {
        var store = ParameterStore.Layout(Layout.Select(p => new ParameterDeclaration(p.Name, p.Shape, Initializer.Normal(0.5f), p.Decay)));
        store.Initialize(11);
        return store;
    }

    static void FillGrads(float[] grads, int step)
    {
        for (int i = 0; i < grads.Length; i++) grads[i] = MathF.Cos(i * 0.23f + step) * (1 + i % 7);
    }

    GpuSession Open(ParameterStore store)
    {
        var specs = Layout.Select(p => new ParameterSpec(p.Name, p.Name, p.Shape, Init.Normal, 0.5f, p.Decay)).ToArray();
        var gpu = GpuSession.Open(TestGpu.Spec, TestGpu.NoKernels("BackendOnly"), specs);
        output.WriteLine(gpu.Device.ToString());
        gpu.UploadParameters(store.Values);
        return gpu;
    }

    static void AssertClose(float[] expected, float[] actual, float tolerance)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: CPU {expected[i]}, GPU {actual[i]}");
    }

    [Theory]
    [InlineData(false, 0f)]
    [InlineData(true, 0f)]
    [InlineData(true, 5f)]   // clipped: the gradients' norm is far above 5
    public void Step_matches_the_host_backend(bool adamW, float clipNorm)
    {
        var settings = adamW ? new AdamSettings(WeightDecay: 0.01f) : new AdamSettings(DecoupledWeightDecay: false);
        var host = Store();
        var device = Store();
        using var gpu = Open(device);
        using var hostBackend = TrainingBackend.For(host, null, settings);
        using var gpuBackend = TrainingBackend.For(device, gpu, settings);
        Assert.StartsWith(TestGpu.RealGpuRequested ? "cuda:0 (" : "gpu-sim", gpuBackend.Device);

        for (int step = 1; step <= 4; step++)
        {
            FillGrads(host.Grads, step);
            gpu.Upload<float>(host.Grads, gpu.GradientAt(0));
            double hostNorm = hostBackend.ApplyGradients(step, 1e-2f, clipNorm);
            double gpuNorm = gpuBackend.ApplyGradients(step, 1e-2f, clipNorm);
            // Float block sums on the host, double on the device: ≲ 4e-6 relative apart (GpuAdamTests).
            Assert.Equal(hostNorm, gpuNorm, hostNorm * 1e-5);
        }
        gpuBackend.DownloadParameters();
        // The same float formulas, apart from fused multiply-adds and the clip factor's rounding: parameters are
        // O(1), so 1e-5 is ~100 ulps of headroom, while a wrong formula or offset shows at ≥ 1e-4 (GpuAdamTests).
        AssertClose(host.Values, device.Values, 1e-5f);
        Assert.Equal(4, gpuBackend.Optimizer.Step);
    }

    [Fact]
    public void Non_finite_gradient_is_named_and_nothing_is_updated()
    {
        var store = Store();
        using var gpu = Open(store);
        using var backend = TrainingBackend.For(store, gpu, new AdamSettings());
        float[] grads = new float[store.Values.Length];
        FillGrads(grads, 1);
        grads[store["head.weight"].Offset + 3] = float.NaN;
        gpu.Upload<float>(grads, gpu.GradientAt(0));
        float[] before = (float[])store.Values.Clone();

        var error = Assert.Throws<TrainingDivergedException>(() => backend.ApplyGradients(2, 1e-3f, clipNorm: 1f));
        Assert.Contains("the gradient of head.weight", error.Message);
        backend.DownloadParameters();
        Assert.Equal(before, store.Values);
    }

    [Fact]
    public void Checkpoint_written_from_the_gpu_resumes_on_the_cpu_and_back()
    {
        var settings = new AdamSettings(WeightDecay: 0.01f);
        var reference = Store();
        using var referenceBackend = TrainingBackend.For(reference, null, settings);
        var device = Store();
        using var gpu = Open(device);
        using var gpuBackend = TrainingBackend.For(device, gpu, settings);

        // Two steps on the GPU (and the reference on the CPU), saved as a checkpoint.
        for (int step = 1; step <= 2; step++)
        {
            FillGrads(reference.Grads, step);
            gpu.Upload<float>(reference.Grads, gpu.GradientAt(0));
            referenceBackend.ApplyGradients(step, 1e-2f, 0f);
            gpuBackend.ApplyGradients(step, 1e-2f, 0f);
        }
        string path = Path.Combine(folder, "state.safetensors");
        gpuBackend.DownloadParameters();
        TrainingCheckpoint.Save(path, device, gpuBackend.Optimizer);

        // Step 3 on the CPU from that checkpoint, saved again; step 4 back on a fresh GPU backend.
        var resumed = Store();
        using (var cpu = TrainingBackend.For(resumed, null, settings))
        {
            TrainingCheckpoint.Load(path, resumed, cpu.Optimizer);
            Assert.Equal(2, cpu.Optimizer.Step);
            FillGrads(resumed.Grads, 3);
            cpu.ApplyGradients(3, 1e-2f, 0f);
            TrainingCheckpoint.Save(path, resumed, cpu.Optimizer);
        }
        FillGrads(reference.Grads, 3);
        referenceBackend.ApplyGradients(3, 1e-2f, 0f);

        var again = Store();
        using var secondGpu = Open(again);
        using var secondBackend = TrainingBackend.For(again, secondGpu, settings);
        TrainingCheckpoint.Load(path, again, secondBackend.Optimizer);
        secondBackend.UploadParameters();
        FillGrads(reference.Grads, 4);
        secondGpu.Upload<float>(reference.Grads, secondGpu.GradientAt(0));
        secondBackend.ApplyGradients(4, 1e-2f, 0f);
        referenceBackend.ApplyGradients(4, 1e-2f, 0f);
        secondBackend.DownloadParameters();

        Assert.Equal(4, secondBackend.Optimizer.Step);
        AssertClose(reference.Values, again.Values, 1e-5f);   // as in Step_matches_the_host_backend
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
