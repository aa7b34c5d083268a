using System.CommandLine;
using Bert.Runtime;
using Bert.Runtime.Data;
using Bert.Runtime.Distributed;
using Bert.Runtime.Trainer;
using Bert.Samples.Models;
using Bert.Samples.Pretraining;
using Spectre.Console;

namespace Bert.Samples.Cli;

/// <summary>
/// <c>bert pretrain</c>: the tutorial's main job. Pretrains BERT (MLM + NSP) on WikiText-2 with a live progress bar,
/// ends with the tutorial's two lines, and writes a checkpoint and a loss plot into <c>--out</c>. Launched once per GPU
/// with torchrun's or mpirun's variables (WORLD_SIZE &gt; 1), it trains data-parallel (see bench/README.md); only rank 0
/// prints and writes, the other ranks print only errors.
/// </summary>
static class PretrainCommand
{
    public static Command Create(Terminal terminal, Func<string, string?> environment)
    {
        var tutorial = ModelConfig.Tutorial;
        var defaults = new TrainerOptions();
        var data = new Option<string?>("--data") { Description = WikiTextFolder.OptionDescription, HelpName = "DIR" };
        var layers = Int("--layers", "Encoder layers (a compiled configuration, see below).", tutorial.Layers);
        var hidden = Int("--hidden", "Hidden size.", tutorial.Hidden);
        var heads = Int("--heads", "Attention heads.", tutorial.Heads);
        var ffn = Int("--ffn", "Feed-forward hidden size.", tutorial.FfnHidden);
        var dropout = new Option<float>("--dropout") { Description = "Dropout probability (attention, residual branches).", DefaultValueFactory = _ => defaults.Dropout };
        var batch = Int("--batch", "Sentence pairs per step; with several processes (WORLD_SIZE > 1) the global batch, split evenly among them (a remainder is dropped).", new PretrainingOptions().BatchSize);
        var maxLen = Int("--max-len", "Tokens per example, <cls> and two <sep> included; longer pairs are dropped.", new PretrainingOptions().MaxLen);
        var steps = Int("--steps", "Optimizer steps (epochs cycle as needed).", defaults.Steps);
        var lr = new Option<float>("--lr") { Description = "Peak learning rate.", DefaultValueFactory = _ => defaults.LearningRate };
        var optimizer = new Option<OptimizerKind>("--optimizer") { Description = "Adam (L2-free, the tutorial's) or AdamW (decoupled weight decay).", DefaultValueFactory = _ => defaults.Optimizer };
        var weightDecay = new Option<float>("--weight-decay") { Description = "AdamW weight decay (never on biases and LayerNorm).", DefaultValueFactory = _ => defaults.WeightDecay };
        var warmup = Int("--warmup", "Linear warmup steps.", defaults.WarmupSteps);
        var schedule = new Option<ScheduleKind>("--schedule") { Description = "Learning rate after warmup: constant, linear or cosine decay to 0.", DefaultValueFactory = _ => defaults.Schedule };
        var clip = new Option<float>("--clip") { Description = "Global-norm gradient clipping (0: off).", DefaultValueFactory = _ => defaults.ClipNorm };
        var seed = new Option<ulong>("--seed") { Description = "Seeds data, initialization and dropout: the same seed gives the same run.", DefaultValueFactory = _ => 0 };
        var dynamicMasking = new Option<bool>("--dynamic-masking") { Description = "Re-draw the masked positions every epoch." };
        var device = new DeviceOptions("Where the model trains");
        var output = new Option<string>("--out") { Description = "Checkpoint folder to write (config.json, model.safetensors, vocab.txt, loss.svg).", DefaultValueFactory = _ => "runs/pretrain", HelpName = "DIR" };
        var resume = new Option<string?>("--resume") { Description = "Continue the run saved in this checkpoint folder (same flags).", HelpName = "DIR" };
        var evalBatches = Int("--eval-batches", "Validation batches evaluated at the end (0: skip).", 10);
        var checkpointEvery = Int("--checkpoint-every", "Also save a checkpoint every N steps (0: only at the end).", 0);
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object (the last line)." };

        var command = new Command("pretrain",
            "Pretrain BERT (masked language model + next sentence prediction) on WikiText-2, like the d2l tutorial.\n" +
            "Data-parallel over GPUs when launched once per GPU by torchrun or mpirun (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT): see bench/README.md.\n" +
            $"Compiled configurations: {string.Join("; ", PretrainingModels.Available)}.")
        {
            data, layers, hidden, heads, ffn, dropout, batch, maxLen, steps, lr, optimizer, weightDecay, warmup, schedule,
            clip, seed, dynamicMasking, output, resume, evalBatches, checkpointEvery, json,
        };
        device.AddTo(command);
        command.SetGuardedAction(terminal, parse =>
        {
            var settings = new PretrainSettings(
                DataFolder: "",
                Model: new ModelConfig(parse.GetValue(layers), parse.GetValue(hidden), parse.GetValue(heads), parse.GetValue(ffn)),
                Data: new PretrainingOptions
                {
                    MaxLen = parse.GetValue(maxLen), BatchSize = parse.GetValue(batch), Seed = parse.GetValue(seed),
                    DynamicMasking = parse.GetValue(dynamicMasking),
                },
                Trainer: new TrainerOptions
                {
                    Steps = parse.GetValue(steps), LearningRate = parse.GetValue(lr), Optimizer = parse.GetValue(optimizer),
                    WeightDecay = parse.GetValue(weightDecay), WarmupSteps = parse.GetValue(warmup), Schedule = parse.GetValue(schedule),
                    ClipNorm = parse.GetValue(clip), Dropout = parse.GetValue(dropout), Seed = parse.GetValue(seed),
                },
                OutFolder: parse.GetValue(output)!,
                ResumeFolder: parse.GetValue(resume),
                EvalBatches: parse.GetValue(evalBatches),
                CheckpointEvery: parse.GetValue(checkpointEvery));
            settings.Validate();
            PretrainingModels.Require(settings.Model);
            var group = ProcessGroup.FromEnvironment(environment);
            settings = settings with { Device = device.Resolve(parse, terminal, group), Processes = group };
            settings.Validate();
            if (group.WorldSize > 1) NcclCommunicator.Require();   // like CUDA, before any data is read
            settings = settings with { DataFolder = WikiTextFolder.Ensure(terminal, parse.GetValue(data)) };
            using var gemms = settings.RunsOn.UseCpuGemmPrecision();
            return Execute(terminal, settings, parse.GetValue(json));
        });
        return command;
    }

    static Option<int> Int(string name, string description, int value) =>
        new(name) { Description = description, DefaultValueFactory = _ => value };

    static int Execute(Terminal terminal, PretrainSettings settings, bool json) => TrainingConsole.RunCancellable(terminal, cancel =>
    {
        if (!settings.Group.IsRoot)
        {
            // Rank 0 reports for the whole run; the others only train (their errors still print).
            PretrainRun.Run(settings, new InlineProgress<PretrainEvent>(_ => { }), cancel);
            return 0;
        }
        var result = RunWithProgress(terminal, settings, cancel);
        var losses = result.AverageLosses;
        terminal.Ui.WriteLine($"MLM loss {losses.Mlm:F3}, NSP loss {losses.Nsp:F3}");
        terminal.Ui.WriteLine($"{result.PairsPerSecond:F1} sentence pairs/sec on {result.Device}");
        if (result.Validation is { } v)
            terminal.Ui.MarkupLine($"validation ({v.Examples:N0} pairs): MLM loss {v.MlmLoss:F3}, MLM accuracy {v.MlmAccuracy:P1}, NSP accuracy {v.NspAccuracy:P1}");
        terminal.Ui.MarkupLine($"checkpoint [blue]{Markup.Escape(result.Checkpoint)}[/], loss plot [blue]{Markup.Escape(result.LossPlot)}[/]");
        if (json)
            CliJson.WriteLine(terminal, new PretrainReport(losses.Mlm, losses.Nsp, result.PairsPerSecond, result.Vocabulary,
                result.Examples, result.Steps, settings.RunsOn.Device.ToString(), result.GpuName, settings.RunsOn.PrecisionName,
                settings.Group.WorldSize, result.DataSeconds, result.Validation?.MlmLoss,
                result.Validation?.MlmAccuracy, result.Validation?.NspAccuracy, result.Checkpoint));
        if (cancel.IsCancellationRequested)
            terminal.WriteError($"Interrupted after step {result.Steps}; resume with --resume {result.Checkpoint}.");
        return 0;
    });

    static PretrainResult RunWithProgress(Terminal terminal, PretrainSettings settings, CancellationToken cancel) =>
        RunProgress.Show(terminal, "building data", task =>
        {
            task.MaxValue = settings.Trainer.Steps;
            var progress = new InlineProgress<PretrainEvent>(e =>
            {
                switch (e)
                {
                    case PretrainEvent.DataReady ready:
                        terminal.ErrorUi.MarkupLine(Markup.Escape(
                            $"{ready.Examples:N0} examples, vocabulary {ready.Vocabulary:N0} (data {ready.Seconds:F2} s); model: {ready.Model}, {ready.Parameters:N0} parameters, on {ready.Device}"));
                        task.IsIndeterminate = false;
                        task.Description = "training";
                        break;
                    case PretrainEvent.DataParallel { Group: var group, Shard: var shard }:
                        terminal.ErrorUi.MarkupLine(Markup.Escape(
                            $"data parallel over {group.WorldSize} processes ({group.Source}): {shard.Count} of every {settings.Data.BatchSize} pairs each" +
                            (shard.Dropped > 0 ? $", {shard.Dropped} dropped per step (use a --batch divisible by {group.WorldSize} to train on every pair)" : "")));
                        break;
                    case PretrainEvent.Resumed resumed:
                        task.Value = resumed.Step;
                        break;
                    case PretrainEvent.Stepped { Report: var r }:
                        task.Description = Markup.Escape($"step {r.Step}/{r.TotalSteps}  MLM {r.Average.Mlm:F3}  NSP {r.Average.Nsp:F3}  {r.PairsPerSecond:F0} pairs/s");
                        task.Value = r.Step;
                        break;
                    case PretrainEvent.Evaluating evaluating:
                        task.Description = $"evaluating {evaluating.Batches} validation batches";
                        break;
                }
            });
            return PretrainRun.Run(settings, progress, cancel);
        });
}

/// <summary>
/// What <c>bert pretrain --json</c> prints (snake_case keys, as the tutorial's figures are named): <c>device</c> is
/// "cpu" or "cuda:N", <c>gpu</c> the GPU's name and <c>precision</c> its GEMM precision (both null on the CPU);
/// <c>world_size</c> counts the data-parallel processes (1: a single one), whose pairs <c>pairs_per_s</c> sums.
/// </summary>
sealed record PretrainReport(
    double MlmLoss, double NspLoss, double PairsPerS, int Vocab, int Examples, int Steps, string Device, string? Gpu,
    string? Precision, int WorldSize, double DataSeconds,
    double? ValidMlmLoss, double? ValidMlmAccuracy, double? ValidNspAccuracy, string Checkpoint);
