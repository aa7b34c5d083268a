using System.Text.Json;
using Bert.Samples.Finetuning;
using Bert.Tests;

namespace Bert.Samples.Tests.Finetuning;

/// <summary>The whole path: pretrain a few steps with the app, fine-tune that checkpoint on MRPC, read the result back.</summary>
public sealed class FinetuneCommandTests : IDisposable
{
    readonly string folder = Path.Combine(Path.GetTempPath(), "bert-finetune-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void PretrainedCheckpointFinetunesOnMrpcAndReportsAccuracy()
    {
        string pretrained = Path.Combine(folder, "pretrain"), finetuned = Path.Combine(folder, "mrpc");
        var pretrain = CliRun.Of("pretrain", "--data", SharedData.WikiText2, "--steps", "3", "--batch", "8", "--max-len", "32",
            "--eval-batches", "0", "--out", pretrained);
        Assert.True(pretrain.ExitCode == 0, pretrain.Error);

        var run = CliRun.Of("finetune", "--task", "mrpc", "--checkpoint", pretrained, "--data", SharedData.Mrpc,
            "--max-steps", "8", "--batch", "16", "--max-len", "48", "--lr", "1e-4", "--out", finetuned, "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("no embedding LayerNorm", run.Error);
        using var report = JsonDocument.Parse(run.LastLine);
        var root = report.RootElement;
        double accuracy = root.GetProperty("accuracy").GetDouble(), f1 = root.GetProperty("f1").GetDouble();
        Assert.InRange(accuracy, 0.0, 1.0);
        Assert.InRange(f1, 0.0, 1.0);
        Assert.Equal(8, root.GetProperty("steps").GetInt32());
        Assert.True(root.GetProperty("pairs_per_s").GetDouble() > 0);

        // The fine-tuned checkpoint is complete: it loads with nothing left at its initialization.
        var (model, vocabulary, notes) = HfCheckpoint.Import(finetuned, seed: 1);
        using var owned = model;
        Assert.Equal("TutorialBertClassifier", model.Name);
        Assert.True(vocabulary.IsWordLevel);
        Assert.DoesNotContain(notes, n => n.Contains("classifier") || n.Contains("LayerNorm"));
    }

    [Fact]
    public void MissingCheckpointIsAUserError()
    {
        var run = CliRun.Of("finetune", "--checkpoint", folder, "--data", SharedData.Mrpc);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("does not exist", run.Error);
    }
}
