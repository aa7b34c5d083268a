using Bert.Runtime.Pretraining;
using Bert.Runtime;
using Bert.Runtime.Data;
using Bert.Runtime.Distributed;
using Bert.Runtime.Gpu;
using Bert.Runtime.Trainer;
using Bert.Samples.Models;
using Bert.Samples.Pretraining;
using Bert.Tests;
using Xunit.Abstractions;

namespace Bert.Samples.Tests;

/// <summary>
/// <c>bert pretrain</c> launched as one process of several (torchrun's or mpirun's variables): the launcher and
/// --device checks that need no GPU, the batch shard a rank trains on seen through the model, and (opt-in, [GpuFact])
/// the data-parallel trainer over a one-rank communicator against the single-process GPU trainer.
/// </summary>
public sealed class DataParallelPretrainTests(ITestOutputHelper output) : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("bert-ddp-").FullName;

    CliRun Pretrain(Dictionary<string, string> environment, params string[] extra) => CliRun.WithEnvironment(environment, [
        "pretrain", "--data", SharedData.WikiText2, "--steps", "1", "--out", Path.Combine(root, "out"), .. extra]);

    /// <summary>The text with the console's line wrapping undone.</summary>
    static string OneLine(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    static Dictionary<string, string> Torchrun(int rank, int world, int localRank) => new()
    {
        ["RANK"] = $"{rank}", ["WORLD_SIZE"] = $"{world}", ["LOCAL_RANK"] = $"{localRank}", ["MASTER_ADDR"] = "127.0.0.1", ["MASTER_PORT"] = "29500",
    };

    [Fact]
    public void Several_processes_on_the_cpu_are_a_user_error_naming_the_variables()
    {
        var run = Pretrain(Torchrun(0, 2, 0), "--device", "cpu");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("rank 0 of a data-parallel run of 2 processes (torchrun environment: RANK=0 WORLD_SIZE=2 LOCAL_RANK=0", OneLine(run.Error));
        Assert.Contains("pass --device cuda", OneLine(run.Error));
        Assert.DoesNotContain("   at ", run.Error);
        Assert.False(Directory.Exists(Path.Combine(root, "out")));
    }

    [Fact]
    public void Mpirun_processes_without_a_device_are_refused_the_cpu_default()
    {
        var run = Pretrain(new() { ["OMPI_COMM_WORLD_RANK"] = "1", ["OMPI_COMM_WORLD_SIZE"] = "4", ["OMPI_COMM_WORLD_LOCAL_RANK"] = "1" });
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("rank 1 of a data-parallel run of 4 processes (Open MPI environment: OMPI_COMM_WORLD_RANK=1 OMPI_COMM_WORLD_SIZE=4", OneLine(run.Error));
    }

    [Theory]
    [InlineData("cuda:0")]
    [InlineData("CUDA:3")]
    public void A_gpu_other_than_the_local_ranks_is_a_user_error(string device)
    {
        var run = Pretrain(Torchrun(1, 2, 1), "--device", device);
        Assert.Equal(2, run.ExitCode);
        string error = OneLine(run.Error);
        Assert.Contains($"--device {device.ToLowerInvariant()} disagrees with this process's GPU: rank 1 of 2 has local rank 1", error);
        Assert.Contains("so it trains on cuda:1", error);
        Assert.False(Directory.Exists(Path.Combine(root, "out")));
    }

    [Fact]
    public void The_local_ranks_gpu_is_checked_like_any_other()
    {
        // cuda and cuda:1 both mean this rank's GPU, which must then be usable: here (no driver, or no GPU 63) the
        // CUDA check's user error names the local rank's device.
        var run = Pretrain(Torchrun(63, 64, 63), "--device", "cuda");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--device cuda:63:", run.Error);
    }

    [Fact]
    public void Help_says_the_batch_is_split_across_processes()
    {
        var help = CliRun.Of("pretrain", "--help");
        Assert.Contains("the global batch, split evenly among them", OneLine(help.Out));
        Assert.Contains("bench/README.md", help.Out);
    }

    [Fact]
    public void Settings_refuse_a_batch_smaller_than_the_world()
    {
        var settings = new PretrainSettings(SharedData.WikiText2, ModelConfig.Tutorial, new PretrainingOptions { BatchSize = 3 },
            new TrainerOptions(), root, Device: new Devices.ComputeDevice(DeviceSpec.Cuda(2), GemmPrecision.Fp32),
            Processes: new ProcessGroup(2, 4, 2));
        Assert.Contains("cannot give each of the 4 processes one", Assert.Throws<UserError>(settings.Validate).Message);
        Assert.Throws<UserError>((settings with { Data = new PretrainingOptions { BatchSize = 4 }, Device = null }).Validate);
        (settings with { Data = new PretrainingOptions { BatchSize = 4 } }).Validate();
    }

    /// <summary>
    /// Through the model: a rank's shard gives the MLM and NSP logits of its examples in the global batch (each
    /// example is encoded alone, so only GEMM blocking may differ), which holds only if the shard slices the
    /// prediction slots, and so the MLM rows Load derives from them, with their examples.
    /// </summary>
    [Fact]
    public void A_ranks_shard_gives_the_logits_of_its_examples_in_the_global_batch()
    {
        var data = WikiText2.BuildTraining(SharedData.WikiText2, new PretrainingOptions { BatchSize = 11 });
        using var model = PretrainingModels.Create(ModelConfig.Tutorial, data.Vocabulary.Count, data.MaxLen);
        model.Initialize(3);
        var batches = data.Batches(shuffle: true);
        var global = batches.Next();
        model.Load(global);
        model.Forward(training: false, dropout: 0, seed: 0);
        float[] mlm = model.MlmLogits.ToArray(), nsp = model.NspLogits.ToArray();
        int vocabulary = data.Vocabulary.Count, p = global.MaxPredictions;

        for (int rank = 0; rank < 3; rank++)   // 11 = 3 · 3 + 2
        {
            var shard = BatchShard.Of(global.Size, rank, 3);
            var local = shard.Of(global);
            model.Load(local);
            model.Forward(training: false, dropout: 0, seed: 0);

            int rowsBefore = 0;
            foreach (float weight in global.PredWeights[..(shard.Start * p)]) if (weight > 0) rowsBefore++;
            int rows = local.RealPredictions();
            Assert.True(rows > 0);
            AssertClose(mlm.AsSpan(rowsBefore * vocabulary, rows * vocabulary), model.MlmLogits, $"rank {rank} MLM logits");
            AssertClose(nsp.AsSpan(shard.Start * 2, shard.Count * 2), model.NspLogits, $"rank {rank} NSP logits");
        }
    }

    static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f * (1 + Math.Abs(expected[i])), $"{what}[{i}]: {expected[i]} vs {actual[i]}");
    }

    /// <summary>
    /// The data-parallel trainer over a communicator of one rank (NCCL averaging one GPU's gradients with itself)
    /// must train like the single-process GPU trainer: same batches, masks and steps, so the losses agree to the
    /// GPU's run-to-run rounding (its atomicAdd accumulations) and the parameters to a few Adam steps of it.
    /// </summary>
    [GpuFact]
    [Trait("Category", "Slow")]
    public void One_rank_data_parallel_steps_match_the_single_process_gpu_steps()
    {
        var data = WikiText2.BuildTraining(SharedData.WikiText2, new PretrainingOptions { BatchSize = 32 });
        var options = new TrainerOptions { Steps = 3, LearningRate = 0.002f };
        using var singleModel = PretrainingModels.Create(ModelConfig.Tutorial, data.Vocabulary.Count, data.MaxLen);
        using var parallelModel = PretrainingModels.Create(ModelConfig.Tutorial, data.Vocabulary.Count, data.MaxLen);
        foreach (var model in new[] { singleModel, parallelModel })
        {
            model.Initialize(5);
            model.UseDevice(DeviceSpec.Cuda(0), new GpuOptions(GemmPrecision.Fp32));
        }
        using var parallel = DataParallelTraining.Open(ProcessGroup.Single, parallelModel.Gpu!);
        using var single = new Pretrainer(singleModel, data, options);
        using var dataParallel = new Pretrainer(parallelModel, data, options, parallel);

        for (int step = 0; step < options.Steps; step++)
        {
            var a = single.RunStep();
            var b = dataParallel.RunStep();
            output.WriteLine($"step {a.Step}: MLM {a.Losses.Mlm} vs {b.Losses.Mlm}, NSP {a.Losses.Nsp} vs {b.Losses.Nsp}, norm {a.GradientNorm} vs {b.GradientNorm}");
            Assert.Equal(a.Losses.Mlm, b.Losses.Mlm, a.Losses.Mlm * 1e-4);
            Assert.Equal(a.Losses.Nsp, b.Losses.Nsp, a.Losses.Nsp * 1e-4);
            Assert.Equal(a.GradientNorm, b.GradientNorm, a.GradientNorm * 1e-4);
        }
        Assert.True(dataParallel.PairsPerSecond > 0);

        single.Backend.DownloadParameters();
        dataParallel.Backend.DownloadParameters();
        float[] x = singleModel.Parameters.Values, y = parallelModel.Parameters.Values;
        long far = 0;
        for (int i = 0; i < x.Length; i++)
        {
            // Adam moves a parameter by at most ≈ lr per step, whatever its gradient.
            Assert.True(Math.Abs(x[i] - y[i]) <= 3 * 2 * options.LearningRate, $"parameter {i}: {x[i]} vs {y[i]}");
            if (Math.Abs(x[i] - y[i]) > 1e-2 * options.LearningRate) far++;
        }
        Assert.True(far <= x.Length / 1000, $"{far:N0} of {x.Length:N0} parameters differ by more than lr/100");
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
