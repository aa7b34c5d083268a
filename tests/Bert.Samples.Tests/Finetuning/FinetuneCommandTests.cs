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
            "--max-steps", "8", "--batch", "16", "--max-len", "48", "--pooling", "mean", "--out", finetuned, "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("no embedding LayerNorm", run.Error);
        using var report = JsonDocument.Parse(run.LastLine);
        var root = report.RootElement;
        double accuracy = root.GetProperty("accuracy").GetDouble(), f1 = root.GetProperty("f1").GetDouble();
        Assert.InRange(accuracy, 0.0, 1.0);
        Assert.InRange(f1, 0.0, 1.0);
        Assert.Equal(8, root.GetProperty("steps").GetInt32());
        Assert.True(root.GetProperty("pairs_per_s").GetDouble() > 0);
        // No --lr or --epochs: a compact model's recipe (1e-4, 6 epochs). The default warmup is 10 % of the steps; a tenth of the training file is the dev set, scored after the (only) epoch.
        Assert.Contains("3,669 train / 407 dev / 1,725 test pairs; 6 epochs, 8 steps at lr 0.0001, warmup 1 steps; mean pooling", run.Error);
        Assert.Equal("mean", root.GetProperty("pooling").GetString());
        Assert.Contains("epoch 1: dev acc", run.Error);
        Assert.Equal(1, root.GetProperty("dev_accuracy").GetArrayLength());
        Assert.InRange(root.GetProperty("dev_f1")[0].GetDouble(), 0.0, 1.0);

        // The fine-tuned checkpoint is complete: it loads with nothing left at its initialization.
        var (model, vocabulary, notes) = HfCheckpoint.Import(finetuned, seed: 1);
        using var owned = model;
        Assert.Equal("TutorialBertClassifier", model.Name);
        Assert.Equal(SentencePooling.Mean, model.Pooling);   // saved with the checkpoint: evaluating it again pools as it was trained
        Assert.True(vocabulary.IsWordLevel);
        Assert.DoesNotContain(notes, n => n.Contains("classifier") || n.Contains("LayerNorm"));
    }

    [Theory]
    [InlineData("--warmup", "ten", "--warmup is 'ten'")]
    [InlineData("--warmup", "150%", "--warmup is '150%'")]
    [InlineData("--warmup", "-3", "--warmup is '-3'")]
    [InlineData("--dev-fraction", "0.7", "--dev-fraction is 0.7")]
    [InlineData("--pooling", "max", "'max'")]
    public void BadScheduleOrDevSplitIsRefusedBeforeAnyWork(string option, string value, string expected)
    {
        var run = CliRun.Of("finetune", "--checkpoint", folder, "--data", SharedData.Mrpc, option, value, "--out", Path.Combine(folder, "out"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Error);
        Assert.False(Directory.Exists(folder));
    }

    [Theory]
    [InlineData("10%", 360, 36)]
    [InlineData("0%", 360, 0)]
    [InlineData("38", 360, 38)]
    [InlineData("0", 360, 0)]
    [InlineData("6.5%", 1000, 65)]
    public void WarmupIsStepsOrAShareOfTheSteps(string text, int totalSteps, int expected) =>
        Assert.Equal(expected, WarmupLength.Parse(text).StepsFor(totalSteps));

    [Fact]
    public void TheDevSetIsAnEvenlySpreadFixedShareOfTheTrainingPairs()
    {
        var pairs = Bert.Runtime.Data.Mrpc.MrpcReader.ReadTrain(SharedData.Mrpc);
        var (train, dev) = FinetuneRun.HoldOut(pairs, 0.1);
        Assert.Equal(pairs.Count / 10, dev.Count);
        Assert.Equal(pairs.Count, train.Count + dev.Count);
        Assert.Empty(train.Intersect(dev));
        Assert.Equal(dev, FinetuneRun.HoldOut(pairs, 0.1).Dev);   // the same split every time
        Assert.Equal(pairs[9], dev[0]);
        Assert.Empty(FinetuneRun.HoldOut(pairs, 0).Dev);
    }

    [Fact]
    public void MissingCheckpointIsAUserError()
    {
        var run = CliRun.Of("finetune", "--checkpoint", folder, "--data", SharedData.Mrpc);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("does not exist", run.Error);
    }
}
