using Bert.Runtime.Pretraining;
using System.Text.Json;
using Bert.Runtime;
using Bert.Runtime.Checkpoints;
using Bert.Runtime.Data;
using Bert.Runtime.Gpu;
using Bert.Runtime.Trainer;
using Bert.Runtime.Training;
using Bert.Samples.Finetuning;
using Bert.Samples.Models;
using Bert.Samples.Pretraining;
using Bert.Tests;
using Xunit.Abstractions;

namespace Bert.Samples.Tests;

/// <summary>
/// Training on a GPU (<c>--device cuda</c>) end to end: the losses fall, one step matches the CPU's at fp32, resuming
/// matches an uninterrupted run, checkpoints move between the CPU and the GPU, fine-tuning and the step benchmark
/// run. Opt-in ([GpuFact]: BERT_TEST_GPU=1 on a machine with an NVIDIA GPU; bench/gpu.sh runs them there).
/// </summary>
[Trait("Category", "Slow")]
public sealed class GpuTrainingTests(ITestOutputHelper output) : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("bert-gpu-train-").FullName;

    string Folder(string name) => Path.Combine(root, name);

    CliRun Pretrain(string folder, int steps, params string[] extra)
    {
        var run = CliRun.Of([
            "pretrain", "--data", SharedData.WikiText2, "--batch", "32", "--steps", steps.ToString(), "--lr", "0.002",
            "--eval-batches", "1", "--out", Folder(folder), "--json", .. extra]);
        output.WriteLine(run.Error);
        output.WriteLine(run.Out);
        Assert.True(run.ExitCode == 0, run.Error);
        return run;
    }

    static float[] Floats(string checkpoint, string tensor)
    {
        using var file = SafeTensorsFile.Open(Path.Combine(checkpoint, CheckpointFolder.ModelFile));
        return file.ReadFloats(tensor);
    }

    static List<(double Mlm, double Nsp)> History(string checkpoint) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(checkpoint, CheckpointFolder.TrainerStateFile))).RootElement
            .GetProperty("history").EnumerateArray().Select(p => (p.GetProperty("mlm").GetDouble(), p.GetProperty("nsp").GetDouble())).ToList();

    [GpuFact]
    public void Gpu_pretraining_lowers_the_losses_and_names_the_gpu()
    {
        var run = Pretrain("learn", 40, "--device", "cuda");
        Assert.Matches(@"\d+\.\d sentence pairs/sec on cuda:0 \(.+\)", run.Out);
        using var json = JsonDocument.Parse(run.LastLine);
        var result = json.RootElement;
        Assert.Equal("cuda:0", result.GetProperty("device").GetString());
        Assert.False(string.IsNullOrEmpty(result.GetProperty("gpu").GetString()));
        Assert.Equal("bf16", result.GetProperty("precision").GetString());
        Assert.True(result.GetProperty("pairs_per_s").GetDouble() > 0);

        // The CPU test's thresholds (PretrainCommandTests): MLM from ≈ ln(20,256) clearly down, NSP not diverging.
        var history = History(Folder("learn"));
        Assert.Equal(40, history.Count);
        Assert.InRange(history[0].Mlm, 9.0, 10.5);
        double lastMlm = history.TakeLast(5).Average(p => p.Mlm), lastNsp = history.TakeLast(10).Average(p => p.Nsp);
        Assert.True(lastMlm < history[0].Mlm - 1.5, $"MLM loss went from {history[0].Mlm:F3} to {lastMlm:F3}");
        Assert.True(lastNsp < 0.75, $"NSP loss averaged {lastNsp:F3} over the last 10 steps");
    }

    [GpuFact]
    public void Gpu_step_matches_the_cpu_step_at_fp32()
    {
        var data = WikiText2.BuildTraining(SharedData.WikiText2, new PretrainingOptions { BatchSize = 32 });
        var options = new TrainerOptions { Steps = 1 };   // Adam, lr 1e-3, dropout 0.2: the tutorial's step
        using var cpuModel = PretrainingModels.Create(ModelConfig.Tutorial, data.Vocabulary.Count, 64);
        using var gpuModel = PretrainingModels.Create(ModelConfig.Tutorial, data.Vocabulary.Count, 64);
        cpuModel.Initialize(5);
        gpuModel.Initialize(5);
        gpuModel.UseDevice(DeviceSpec.Cuda(0), new GpuOptions(GemmPrecision.Fp32));
        using var cpu = new Pretrainer(cpuModel, data, options);
        using var gpu = new Pretrainer(gpuModel, data, options);
        output.WriteLine($"{cpu.Device} vs {gpu.Device}");

        var cpuStep = cpu.RunStep();
        var gpuStep = gpu.RunStep();

        // Losses: fp32 operands and accumulation on both sides and the same dropout masks (the device Philox is
        // bit-identical); only summation orders differ (cuBLAS, warp reductions, atomics), ≲ 1e-5 relative.
        Assert.Equal(cpuStep.Losses.Mlm, gpuStep.Losses.Mlm, cpuStep.Losses.Mlm * 1e-4);
        Assert.Equal(cpuStep.Losses.Nsp, gpuStep.Losses.Nsp, cpuStep.Losses.Nsp * 1e-4);
        Assert.Equal(cpuStep.GradientNorm, gpuStep.GradientNorm, cpuStep.GradientNorm * 1e-4);

        // Gradients (still in both buffers: Adam reads them, clipping is off): the same summation-order argument,
        // over the whole model and per tensor (a layout or indexing error is O(1) in its tensor).
        var store = cpuModel.Parameters;
        float[] gpuGrads = new float[store.Values.Length];
        gpuModel.Gpu!.DownloadGradients(gpuGrads);
        double total = GradientChecks.GlobalNorm(store.Grads);
        Assert.True(Distance(store.Grads, gpuGrads) <= 1e-4 * total, $"gradients differ by {Distance(store.Grads, gpuGrads):E2} (norm {total:E2})");
        foreach (var p in store.Parameters)
        {
            var range = new Range((int)p.Offset, (int)(p.Offset + p.Length));
            double norm = GradientChecks.GlobalNorm(store.Grads.AsSpan(range)), distance = Distance(store.Grads.AsSpan(range), gpuGrads.AsSpan(range));
            Assert.True(distance <= 1e-3 * norm + 1e-6 * total, $"{p.Name}: gradients differ by {distance:E2} (its norm {norm:E2})");
        }

        // Parameters after Adam's first step, θ − lr·g/(|g| + ε) (bias correction makes m̂ = g, v̂ = g²): for two
        // gradients g, g' the steps differ by at most lr·2|g − g'|/(|g| + |g'| + ε), whatever their signs; plus a few
        // ulps of θ's rounding (|θ| < 8: ulp ≤ 1e-6).
        gpu.Backend.DownloadParameters();
        float[] cpuValues = store.Values, gpuValues = gpuModel.Parameters.Values;
        for (int i = 0; i < cpuValues.Length; i++)
        {
            double g = store.Grads[i], h = gpuGrads[i];
            double bound = options.LearningRate * 2 * Math.Abs(g - h) / (Math.Abs(g) + Math.Abs(h) + 1e-8) + 2e-6;
            Assert.True(Math.Abs(cpuValues[i] - gpuValues[i]) <= bound, $"element {i}: CPU {cpuValues[i]}, GPU {gpuValues[i]} (gradients {g}, {h})");
        }
    }

    static double Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += (double)(a[i] - b[i]) * (a[i] - b[i]);
        return Math.Sqrt(sum);
    }

    [GpuFact]
    public void Gpu_resume_matches_the_uninterrupted_run_to_rounding()
    {
        Pretrain("straight", 6, "--device", "cuda");
        Pretrain("halves", 3, "--device", "cuda");
        Pretrain("halves", 6, "--device", "cuda", "--resume", Folder("halves"));

        // Not bit for bit, unlike the CPU: the GPU's atomicAdd accumulations (embedding gradients, colliding rows,
        // the norm) sum in a different order on every run, so two uninterrupted GPU runs differ in the last bits.
        // Such differences stay at rounding level (≲ 1e-6 relative), while a resume that lost the moments, the
        // step count, the batch order or the dropout seeds changes every later loss and parameter by O(lr).
        var straight = History(Folder("straight"));
        var resumed = History(Folder("halves"));
        for (int step = 0; step < 6; step++)
        {
            Assert.Equal(straight[step].Mlm, resumed[step].Mlm, straight[step].Mlm * 1e-3);
            Assert.Equal(straight[step].Nsp, resumed[step].Nsp, straight[step].Nsp * 1e-3);
        }
        // Parameters: a rounding-level gradient difference moves a parameter by ≲ lr·1e-6 per Adam step; only a
        // gradient that is itself at rounding level can flip sign and move up to 2·lr. Those must stay rare.
        const float lr = 0.002f;
        using var a = SafeTensorsFile.Open(Path.Combine(Folder("straight"), CheckpointFolder.ModelFile));
        using var b = SafeTensorsFile.Open(Path.Combine(Folder("halves"), CheckpointFolder.ModelFile));
        long elements = 0, far = 0;
        foreach (var tensor in a.Tensors)
        {
            float[] x = a.ReadFloats(tensor.Name), y = b.ReadFloats(tensor.Name);
            for (int i = 0; i < x.Length; i++)
            {
                Assert.True(Math.Abs(x[i] - y[i]) <= 6 * 2 * lr, $"{tensor.Name}[{i}]: {x[i]} vs {y[i]}");
                if (Math.Abs(x[i] - y[i]) > 1e-2 * lr) far++;
            }
            elements += x.Length;
        }
        Assert.True(far <= elements / 1000, $"{far:N0} of {elements:N0} parameters differ by more than lr/100");
    }

    [GpuFact]
    public void Checkpoints_move_between_cpu_and_gpu()
    {
        Pretrain("moving", 2);
        Pretrain("moving", 4, "--device", "cuda", "--resume", Folder("moving"));
        Pretrain("moving", 5, "--resume", Folder("moving"));
        Assert.Equal(5, History(Folder("moving")).Count);

        // The same checkpoint encodes alike on both devices (fp32 GEMMs: forward-only rounding differences, ≲ 1e-5
        // on LayerNorm outputs of order 1; a layout error would be O(1)).
        string[] encode = ["encode", "--checkpoint", Folder("moving"), "a crane is flying", "--json"];
        var onCpu = CliRun.Of(encode);
        var onGpu = CliRun.Of([.. encode, "--device", "cuda", "--precision", "fp32"]);
        Assert.True(onCpu.ExitCode == 0, onCpu.Error);
        Assert.True(onGpu.ExitCode == 0, onGpu.Error);
        float[] Encodings(CliRun run) => [.. JsonDocument.Parse(run.LastLine).RootElement.GetProperty("examples")[0]
            .GetProperty("encodings").EnumerateArray().SelectMany(row => row.EnumerateArray().Select(v => v.GetSingle()))];
        float[] cpu = Encodings(onCpu), gpu = Encodings(onGpu);
        Assert.Equal(cpu.Length, gpu.Length);
        for (int i = 0; i < cpu.Length; i++) Assert.True(Math.Abs(cpu[i] - gpu[i]) <= 1e-3f, $"encoding {i}: CPU {cpu[i]}, GPU {gpu[i]}");
    }

    [GpuFact]
    public void Gpu_finetuning_runs_and_writes_a_loadable_checkpoint()
    {
        Pretrain("base", 3, "--device", "cuda");
        var run = CliRun.Of("finetune", "--task", "mrpc", "--checkpoint", Folder("base"), "--data", SharedData.Mrpc,
            "--max-steps", "8", "--batch", "16", "--max-len", "48", "--lr", "1e-4", "--out", Folder("mrpc"), "--json", "--device", "cuda");
        output.WriteLine(run.Error);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Matches(@"sentence pairs/sec on cuda:0 \(.+\), 8 steps", run.Out);
        using var json = JsonDocument.Parse(run.LastLine);
        Assert.Equal("cuda:0", json.RootElement.GetProperty("device").GetString());
        Assert.InRange(json.RootElement.GetProperty("accuracy").GetDouble(), 0.0, 1.0);

        var (model, _, _) = HfCheckpoint.Import(Folder("mrpc"), seed: 1);
        using var owned = model;
        Assert.All(model.Parameters.Values, v => Assert.True(float.IsFinite(v)));
        Assert.NotEqual(Floats(Folder("base"), "bert.encoder.layer.0.attention.self.query.weight"),
            Floats(Folder("mrpc"), "bert.encoder.layer.0.attention.self.query.weight"));
    }

    [GpuFact]
    public void Step_benchmark_runs_on_the_gpu()
    {
        var run = CliRun.Of("bench", "step", "--device", "cuda", "--runs", "3", "--json", "--data", SharedData.WikiText2);
        output.WriteLine(run.Out);
        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.LastLine);
        Assert.Equal(("cuda:0", "bf16"), (json.RootElement.GetProperty("device").GetString(), json.RootElement.GetProperty("precision").GetString()));
        var step = Assert.Single(json.RootElement.GetProperty("benchmarks").EnumerateArray());
        Assert.True(step.GetProperty("items_per_second").GetDouble() > 0);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
