using System.CommandLine;
using Bert.Runtime;
using Bert.Runtime.Checkpoints;
using Bert.Runtime.Data;
using Bert.Runtime.Text;
using Bert.Runtime.Trainer;
using Bert.Samples.Finetuning;
using Spectre.Console;

namespace Bert.Samples.Cli;

/// <summary>
/// <c>bert finetune --task mrpc</c>: fine-tunes a BERT checkpoint (ours or HuggingFace's) on MRPC with a live
/// progress bar, reports test accuracy and F1 and writes the fine-tuned checkpoint into <c>--out</c>.
/// </summary>
static class FinetuneCommand
{
    public static Command Create(Terminal terminal)
    {
        var defaults = new FinetuneSettings("", "", "");
        var task = new Option<string>("--task") { Description = "The task: mrpc (Microsoft Research Paraphrase Corpus).", DefaultValueFactory = _ => "mrpc" };
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint folder (config.json, model.safetensors, vocab.txt or tokenizer.json): a pretrain --out or import --out folder, or a HuggingFace BERT.", Required = true, HelpName = "DIR" };
        var data = new Option<string?>("--data") { Description = $"Folder with msr_paraphrase_train.txt and msr_paraphrase_test.txt (default: ${DataLocation.DataDirVariable}/mrpc).", HelpName = "DIR" };
        var epochs = new Option<int?>("--epochs") { Description = $"Passes over the training pairs (default: {FinetuneRecipe.Compact.Epochs} for compact models, {FinetuneRecipe.Base.Epochs} for BERT-base and larger)." };
        var batch = Int("--batch", "Sentence pairs per step.", defaults.BatchSize);
        var lr = new Option<float?>("--lr") { Description = $"Peak learning rate (Adam; default: {FinetuneRecipe.Rate(FinetuneRecipe.Compact.LearningRate)} for compact models, {FinetuneRecipe.Rate(FinetuneRecipe.Base.LearningRate)} for BERT-base and larger)." };
        var eps = new Option<float>("--eps") { Description = "Adam epsilon.", DefaultValueFactory = _ => defaults.AdamEpsilon };
        var clip = new Option<float>("--clip") { Description = "Global-norm gradient clipping (0: off).", DefaultValueFactory = _ => defaults.ClipNorm };
        var maxLen = Int("--max-len", "Tokens per pair, [CLS] and two [SEP] included; longer pairs are truncated longest-first.", defaults.MaxLen);
        var warmup = new Option<string>("--warmup")
        {
            Description = "Linear warmup, as steps (38) or a share of all steps (10%), then linear decay to 0; 0: a constant rate.",
            DefaultValueFactory = _ => "10%",
        };
        var devFraction = new Option<double>("--dev-fraction")
        {
            Description = "Share of the training pairs held out as a dev set, scored after every epoch (0: train on all).",
            DefaultValueFactory = _ => defaults.DevFraction,
        };
        var pooling = new Option<string?>("--pooling")
        {
            Description = $"What the classifier reads: cls (the [CLS] token, as HuggingFace's BertForSequenceClassification) or mean (the mean over each " +
                          $"pair's tokens, as sentence-transformers models were trained). Default: the checkpoint's own (a fine-tuned one's), else {FinetuneSettings.DefaultPooling.Name()}.",
            HelpName = "cls|mean",
        };
        pooling.AcceptOnlyFromAmong("cls", "mean");
        var dropout = new Option<float>("--dropout") { Description = "Dropout probability.", DefaultValueFactory = _ => defaults.Dropout };
        var seed = new Option<ulong>("--seed") { Description = "Seeds the classifier's initialization, shuffling and dropout.", DefaultValueFactory = _ => 0 };
        var maxSteps = Int("--max-steps", "Stop after this many steps (0: every epoch).", 0);
        var output = new Option<string>("--out") { Description = "Folder for the fine-tuned checkpoint.", DefaultValueFactory = _ => "runs/finetune-mrpc", HelpName = "DIR" };
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object (the last line)." };
        var device = new DeviceOptions("Where the model trains");

        var command = new Command("finetune",
            "Fine-tune a BERT checkpoint on a sentence-pair task (MRPC). The defaults are BERT's recipe for real pretrained models " +
            $"(batch 32, 10% warmup then linear decay; lr and epochs by the model's size: {FinetuneRecipe.Describe()}); " +
            "the tutorial's constant rate is --lr 5e-6 --warmup 0.\n" +
            $"Compiled classifiers: {string.Join("; ", FinetuningModels.Available)}.")
        {
            task, checkpoint, data, epochs, batch, lr, eps, clip, maxLen, warmup, pooling, dropout, seed, maxSteps, devFraction, output, json,
        };
        device.AddTo(command);
        command.SetGuardedAction(terminal, parse =>
        {
            if (!string.Equals(parse.GetValue(task), "mrpc", StringComparison.OrdinalIgnoreCase))
                throw new UserError($"--task {parse.GetValue(task)}: the only task is mrpc.");
            var settings = new FinetuneSettings(parse.GetValue(checkpoint)!, "", parse.GetValue(output)!,
                parse.GetValue(epochs), parse.GetValue(batch), parse.GetValue(lr), parse.GetValue(eps), parse.GetValue(clip),
                parse.GetValue(maxLen), WarmupLength.Parse(parse.GetValue(warmup)!), parse.GetValue(dropout), parse.GetValue(seed), parse.GetValue(maxSteps),
                parse.GetValue(devFraction), parse.GetValue(pooling) is { } p ? SentencePoolings.Parse(p, "--pooling") : null);
            settings.Validate();
            settings = settings with { DataFolder = MrpcFolder(parse.GetValue(data)), Device = device.Resolve(parse, terminal) };
            using var gemms = settings.RunsOn.UseCpuGemmPrecision();
            return Execute(terminal, settings, parse.GetValue(json));
        });
        return command;
    }

    static Option<int> Int(string name, string description, int value) =>
        new(name) { Description = description, DefaultValueFactory = _ => value };

    /// <summary>--data, else $BERT_DATA_DIR/mrpc.</summary>
    static string MrpcFolder(string? data)
    {
        if (!string.IsNullOrEmpty(data)) return data;
        string? root = Environment.GetEnvironmentVariable(DataLocation.DataDirVariable);
        if (string.IsNullOrEmpty(root))
            throw new UserError($"Where is MRPC? Pass --data DIR (the folder with msr_paraphrase_train.txt) or set {DataLocation.DataDirVariable}.");
        return Path.Combine(root, "mrpc");
    }

    static int Execute(Terminal terminal, FinetuneSettings settings, bool json) => TrainingConsole.RunCancellable(terminal, cancel =>
    {
        var result = RunWithProgress(terminal, settings, cancel);
        var test = result.Test;
        terminal.Ui.WriteLine($"train loss {result.TrainLoss:F3}, train acc {result.TrainAccuracy:F3}, test acc {test.Accuracy:F3}, test F1 {test.F1:F3} ({test.Examples:N0} pairs)");
        if (result.DevCurve.Count > 0)
            terminal.Ui.WriteLine("dev acc / F1 by epoch: " + string.Join(", ", result.DevCurve.Select((d, i) => $"{i + 1}: {d.Accuracy:F3} / {d.F1:F3}")) +
                $" ({result.DevCurve[0].Examples:N0} pairs)");
        terminal.Ui.WriteLine($"{result.PairsPerSecond:F1} sentence pairs/sec on {result.Device}, {result.Steps} steps ({result.Epochs:F2} epochs)");
        terminal.Ui.MarkupLine($"checkpoint [blue]{Markup.Escape(result.Checkpoint)}[/]");
        if (json)
            CliJson.WriteLine(terminal, new FinetuneReport(test.Accuracy, test.F1, result.Epochs, result.PairsPerSecond, result.Steps,
                result.TrainLoss, [.. result.DevCurve.Select(d => d.Accuracy)], [.. result.DevCurve.Select(d => d.F1)],
                result.Checkpoint, settings.RunsOn.Device.ToString(), result.GpuName, settings.RunsOn.PrecisionName, result.Pooling.Name()));
        return 0;
    });

    static FinetuneResult RunWithProgress(Terminal terminal, FinetuneSettings settings, CancellationToken cancel) =>
        RunProgress.Show(terminal, "loading checkpoint and data", task =>
        {
            var progress = new InlineProgress<FinetuneEvent>(e =>
            {
                switch (e)
                {
                    case FinetuneEvent.Ready ready:
                        terminal.ErrorUi.MarkupLine(Markup.Escape(
                            $"model: {ready.Model}, {ready.Parameters:N0} parameters, on {ready.Device}; {ready.Vocabulary}; " +
                            $"MRPC {ready.TrainPairs:N0} train / {ready.DevPairs:N0} dev / {ready.TestPairs:N0} test pairs; " +
                            $"{ready.Epochs} epochs, {ready.TotalSteps:N0} steps at lr {ready.LearningRate:G3}, warmup {ready.WarmupSteps:N0} steps; {ready.Pooling.Name()} pooling"));
                        foreach (string note in ready.Notes) terminal.ErrorUi.MarkupLine($"[yellow]note:[/] {Markup.Escape(note)}");
                        task.MaxValue = ready.TotalSteps;
                        task.IsIndeterminate = false;
                        task.Description = "training";
                        break;
                    case FinetuneEvent.Stepped s:
                        task.Description = Markup.Escape($"epoch {s.Epoch} step {s.Step}/{s.TotalSteps}  loss {s.Loss:F3}  acc {s.Accuracy:F3}  {s.PairsPerSecond:F0} pairs/s");
                        task.Value = s.Step;
                        break;
                    case FinetuneEvent.EpochEnded ended:
                        terminal.ErrorUi.MarkupLine(Markup.Escape($"epoch {ended.Epoch}: dev acc {ended.Dev.Accuracy:F3}, dev F1 {ended.Dev.F1:F3}"));
                        break;
                    case FinetuneEvent.Evaluating evaluating:
                        task.BeginPhase($"evaluating {evaluating.Pairs:N0} test pairs");
                        break;
                }
            });
            return FinetuneRun.Run(settings, progress, cancel);
        });
}

/// <summary>What <c>bert finetune --json</c> prints (snake_case keys; <c>gpu</c> and <c>precision</c> are null on the CPU).</summary>
sealed record FinetuneReport(double Accuracy, double F1, double Epochs, double PairsPerS, int Steps, double TrainLoss,
    double[] DevAccuracy, double[] DevF1, string Checkpoint,
    string Device, string? Gpu, string? Precision, string Pooling);
