using Bert.Runtime.Pretraining;
using System.Diagnostics;
using System.Text.Json;
using Bert.Runtime;
using Bert.Runtime.Checkpoints;
using Bert.Runtime.Data;
using Bert.Runtime.Distributed;
using Bert.Runtime.Trainer;
using Bert.Samples.Checkpoints;
using Bert.Samples.Reports;

namespace Bert.Samples.Pretraining;

/// <summary>
/// One pretraining run, as the tutorial does it: build the WikiText-2 examples, train MLM + NSP for a number of
/// steps, then evaluate on the validation split, plot the losses and save a checkpoint (also every
/// <see cref="PretrainSettings.CheckpointEvery"/> steps and when cancelled). Launched as several processes (one per
/// GPU, <see cref="PretrainSettings.Group"/>), each trains on its share of every batch and rank 0 writes the files.
/// </summary>
public static class PretrainRun
{
    public const string LossPlotFile = "loss.svg";

    public static PretrainResult Run(PretrainSettings settings, IProgress<PretrainEvent> progress, CancellationToken cancel = default)
    {
        settings.Validate();
        if (settings.ResumeFolder is { } resume) CheckpointFolder.Resolve(resume);   // a wrong --resume is found before any work
        var clock = Stopwatch.StartNew();
        var data = WikiText2.BuildTraining(settings.DataFolder, settings.Data);
        double dataSeconds = clock.Elapsed.TotalSeconds;

        using var model = PretrainingModels.Create(settings.Model, data.Vocabulary.Count, settings.Data.MaxLen);
        model.Initialize(settings.Trainer.Seed);
        model.UseDevice(settings.RunsOn.Device, settings.RunsOn.GpuOptions);
        var group = settings.Group;
        // What the end of the run needs is checked before its first step: a run never trains for hours to fail at saving.
        if (group.IsRoot)
            CheckpointFolder.Preflight(settings.OutFolder,
                CheckpointFolder.EstimateBytes(model.Parameters.ParameterCount, withOptimizer: true, data.Vocabulary.Count));
        var validation = settings.EvalBatches > 0 && group.IsRoot
            ? WikiText2.BuildValidation(settings.DataFolder, data.Vocabulary, settings.Data) : null;
        using var parallel = group.WorldSize > 1 ? DataParallelTraining.Open(group, model.Gpu!) : null;
        try
        {
            return Train(settings, data, validation, dataSeconds, model, parallel, progress, cancel);
        }
        catch when (parallel is not null)
        {
            // The other ranks may be waiting for this one in an all-reduce: do not wait for them in turn.
            parallel.Abort();
            throw;
        }
    }

    /// <summary>
    /// The steps, the evaluation and the files. In a data-parallel run every rank trains; only rank 0 (<see
    /// cref="ProcessGroup.IsRoot"/>) evaluates and writes the checkpoints and the plot.
    /// </summary>
    static PretrainResult Train(PretrainSettings settings, PretrainingDataset data, PretrainingDataset? valid, double dataSeconds, IPretrainingModel model,
        DataParallelTraining? parallel, IProgress<PretrainEvent> progress, CancellationToken cancel)
    {
        var group = settings.Group;
        using var trainer = new Pretrainer(model, data, settings.Trainer, parallel);
        progress.Report(new PretrainEvent.DataReady(data.Count, data.Vocabulary.Count, dataSeconds, model.Describe(),
            model.Parameters.ParameterCount, trainer.Device));
        if (parallel is not null) progress.Report(new PretrainEvent.DataParallel(group, parallel.ShardOf(settings.Data.BatchSize)));

        var history = new List<LossPoint>();
        if (settings.ResumeFolder is { } resume)
        {
            var state = Resume(resume, settings, data, model, trainer);
            history.AddRange(state.History);
            progress.Report(new PretrainEvent.Resumed(state.Step));
        }

        // Ranks stop together: one interrupted rank would otherwise leave the others waiting in the next all-reduce.
        bool Stopping() => parallel?.AnyRank(cancel.IsCancellationRequested) ?? cancel.IsCancellationRequested;
        bool stopped = false;
        while (trainer.Step < settings.Trainer.Steps && !(stopped = Stopping()))
        {
            var report = trainer.RunStep();
            history.Add(new LossPoint(report.Step, report.Losses.Mlm, report.Losses.Nsp));
            progress.Report(new PretrainEvent.Stepped(report));
            if (settings.CheckpointEvery > 0 && report.Step % settings.CheckpointEvery == 0 && report.Step < settings.Trainer.Steps && group.IsRoot)
                Save(settings, model, trainer, data.Vocabulary, history);
        }

        EvaluationResult? validation = null;
        if (valid is not null && !stopped && !cancel.IsCancellationRequested)
        {
            progress.Report(new PretrainEvent.Evaluating(settings.EvalBatches));
            validation = Evaluation.Run(model, valid, settings.EvalBatches);
        }

        string checkpoint = Path.GetFullPath(settings.OutFolder), plot = Path.Combine(checkpoint, LossPlotFile);
        if (group.IsRoot) Save(settings, model, trainer, data.Vocabulary, history);
        return new PretrainResult(trainer.Average, trainer.PairsPerSecond, data.Vocabulary.Count, data.Count, trainer.Step,
            trainer.Device, model.Gpu?.Device.Name, dataSeconds, validation, checkpoint, plot);
    }

    static void Save(PretrainSettings settings, IPretrainingModel model, Pretrainer trainer, Vocabulary vocabulary, List<LossPoint> history)
    {
        var m = PretrainingModels.Shape(settings.Model);
        var config = new CheckpointConfig(["BertForPreTraining"], "bert", m.Hidden, m.Layers, m.Heads, m.FfnHidden, m.Activation,
            m.MaxPositions, m.TypeVocab, vocabulary.Count, m.LayerNormEps, settings.Trainer.Dropout,
            settings.Trainer.Dropout,
            new CompilerSettings(PretrainingModels.ClassName(settings.Model), settings.Data.MaxLen, "wikitext-2 words", EmbeddingLayerNorm: false));
        var state = new TrainerState(trainer.Step, settings.Trainer.Seed, settings.Data.Seed, [.. history]);
        trainer.Backend.DownloadParameters();
        string plot = LossCurveSvg.Render($"{model.Describe()}: MLM and NSP loss", [
            new LossSeries("mlm", "#1f77b4", history.Select(p => (p.Step, (double)p.Mlm)).ToList()),
            new LossSeries("nsp", "#ff7f0e", history.Select(p => (p.Step, (double)p.Nsp)).ToList())]);
        CheckpointFolder.Save(settings.OutFolder, model.Parameters, trainer.Optimizer,
            JsonSerializer.Serialize(config, CheckpointJson.Default.CheckpointConfig), vocabulary.Tokens,
            JsonSerializer.Serialize(state, CheckpointJson.Default.TrainerState), new Dictionary<string, string> { [LossPlotFile] = plot });
    }

    static TrainerState Resume(string folder, PretrainSettings settings, PretrainingDataset data, IPretrainingModel model, Pretrainer trainer)
    {
        string source = CheckpointFolder.Resolve(folder);
        var state = CheckpointFolder.ReadJson(source, CheckpointFolder.TrainerStateFile, CheckpointJson.Default.TrainerState);
        string statePath = Path.Combine(source, CheckpointFolder.TrainerStateFile);
        if (state.Step < 0 || state.History is null || state.History.Length != state.Step || state.History.Any(p => p is null))
            throw new UserError($"'{statePath}' is damaged: step {state.Step} with {state.History?.Length ?? 0} loss entries.");
        if (state.Seed != settings.Trainer.Seed || state.DataSeed != settings.Data.Seed)
            throw new UserError($"'{source}' was trained with --seed {state.DataSeed}; resume with the same --seed.");
        var config = CheckpointFolder.ReadJson(source, CheckpointFolder.ConfigFile, CheckpointJson.Default.CheckpointConfig);
        if (config.BertCompiler?.Model != PretrainingModels.ClassName(settings.Model) || config.BertCompiler.MaxLen != settings.Data.MaxLen)
            throw new UserError($"'{Path.Combine(source, CheckpointFolder.ConfigFile)}' describes a different model or --max-len than this run ({settings.Model}, max_len {settings.Data.MaxLen}).");
        if (config.VocabSize != data.Vocabulary.Count)
            throw new UserError($"'{source}' has a vocabulary of {config.VocabSize} tokens, this run's data {data.Vocabulary.Count}: resume with the same --data and options.");
        TrainingCheckpoint.Load(Path.Combine(source, CheckpointFolder.TrainingStateFile), model.Parameters, trainer.Optimizer);
        if (model.Parameters.FirstNonFinite() is { } damaged)
            throw new UserError($"'{Path.Combine(source, CheckpointFolder.TrainingStateFile)}' holds NaN or infinite values in {damaged}: the checkpoint is damaged.");
        trainer.Backend.UploadParameters();
        trainer.Restore(state.Step, state.History.Select(p => new PretrainingLosses(p.Mlm, p.Nsp)));
        return state;
    }
}
