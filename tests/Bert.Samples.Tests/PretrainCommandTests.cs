using System.Text.Json;
using Bert.Runtime.Checkpoints;
using Bert.Runtime.Trainer;
using Bert.Tests;

namespace Bert.Samples.Tests;

/// <summary>
/// The pretraining app end to end on the shared WikiText-2, shortened (small batches, few steps) so it runs in
/// seconds on two cores: losses fall, a resumed run matches an uninterrupted one bit for bit, the checkpoint
/// encodes sentences, and bad checkpoints are refused with a clear message.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PretrainCommandTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("bert-pretrain-").FullName;

    CliRun Pretrain(string folder, int steps, params string[] extra) => CliRun.Of([
        "pretrain", "--data", SharedData.WikiText2, "--batch", "32", "--steps", steps.ToString(), "--lr", "0.002",
        "--eval-batches", "1", "--out", Path.Combine(root, folder), "--json", .. extra]);

    [Fact]
    public void Short_run_lowers_the_losses_and_reports_the_tutorial_lines()
    {
        var run = Pretrain("learn", 40);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("sentence pairs/sec on cpu", run.Out);
        Assert.Matches(@"MLM loss \d+\.\d{3}, NSP loss \d+\.\d{3}", run.Out);
        using var json = JsonDocument.Parse(run.LastLine);
        var result = json.RootElement;
        Assert.Equal((20_256, 40, "cpu"), (result.GetProperty("vocab").GetInt32(), result.GetProperty("steps").GetInt32(), result.GetProperty("device").GetString()));
        Assert.True(result.GetProperty("pairs_per_s").GetDouble() > 0);

        var history = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "learn", CheckpointFolder.TrainerStateFile)))
            .RootElement.GetProperty("history").EnumerateArray().Select(p => (Mlm: p.GetProperty("mlm").GetDouble(), Nsp: p.GetProperty("nsp").GetDouble())).ToList();
        Assert.Equal(40, history.Count);
        // MLM starts near ln(20,256) ≈ 9.9 and must fall clearly; NSP starts near ln 2 and must not diverge.
        Assert.InRange(history[0].Mlm, 9.0, 10.5);
        double lastMlm = history.TakeLast(5).Average(p => p.Mlm), lastNsp = history.TakeLast(10).Average(p => p.Nsp);
        Assert.True(lastMlm < history[0].Mlm - 1.5, $"MLM loss went from {history[0].Mlm:F3} to {lastMlm:F3}");
        Assert.True(lastNsp < 0.75, $"NSP loss averaged {lastNsp:F3} over the last 10 steps");
        Assert.True(File.Exists(Path.Combine(root, "learn", "loss.svg")));
    }

    [Fact]
    public void Resumed_run_matches_the_uninterrupted_one_bit_for_bit()
    {
        Assert.Equal(0, Pretrain("straight", 6).ExitCode);
        Assert.Equal(0, Pretrain("halves", 3).ExitCode);
        var resumed = Pretrain("halves", 6, "--resume", Path.Combine(root, "halves"));
        Assert.True(resumed.ExitCode == 0, resumed.Error);

        using var straight = SafeTensorsFile.Open(Path.Combine(root, "straight", CheckpointFolder.ModelFile));
        using var halves = SafeTensorsFile.Open(Path.Combine(root, "halves", CheckpointFolder.ModelFile));
        Assert.Equal(straight.Tensors.Select(t => t.Name), halves.Tensors.Select(t => t.Name));
        foreach (var tensor in straight.Tensors)
            Assert.True(straight.Bytes(tensor.Name).SequenceEqual(halves.Bytes(tensor.Name)), $"{tensor.Name} differs after resuming");
    }

    [Fact]
    public void Checkpoint_encodes_the_tutorial_sentences_with_context()
    {
        Assert.Equal(0, Pretrain("encode", 3).ExitCode);
        var run = CliRun.Of("encode", "--checkpoint", Path.Combine(root, "encode"), "a crane is flying",
            "--compare", "a crane driver came", "he just left", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("tokens: <cls> a crane is flying <sep>", run.Out);
        Assert.Contains("encodings: (1, 6, 128); <cls> encoding: (1, 128)", run.Out);
        Assert.Contains("tokens: <cls> a crane driver came <sep> he just left <sep>", run.Out);
        using var json = JsonDocument.Parse(run.LastLine);
        var examples = json.RootElement.GetProperty("examples");
        Assert.Equal(10, examples[1].GetProperty("encodings").GetArrayLength());
        Assert.Equal(128, examples[1].GetProperty("encodings")[2].GetArrayLength());
        double cosine = json.RootElement.GetProperty("cosine").GetDouble();
        Assert.True(cosine < 1 - 1e-6, $"'crane' must depend on its context (cosine {cosine})");
    }

    [Fact]
    public void Corrupt_checkpoints_are_refused_by_name()
    {
        Assert.Equal(0, Pretrain("corrupt", 1).ExitCode);
        string model = Path.Combine(root, "corrupt", CheckpointFolder.ModelFile);
        byte[] bytes = File.ReadAllBytes(model);
        File.WriteAllBytes(model, bytes[..(bytes.Length / 2)]);
        var run = CliRun.Of("encode", "--checkpoint", Path.Combine(root, "corrupt"), "a crane");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("model.safetensors", run.Error);
    }

    [Fact]
    public void Unknown_configuration_names_the_compiled_ones()
    {
        var run = CliRun.Of("pretrain", "--data", SharedData.WikiText2, "--layers", "4", "--out", Path.Combine(root, "x"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("TutorialBert (2 layers, 128 hidden, 2 heads, FFN 256)", run.Error);
        Assert.False(Directory.Exists(Path.Combine(root, "x")));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
