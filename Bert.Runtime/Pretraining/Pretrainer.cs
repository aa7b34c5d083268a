using Bert.Runtime.Trainer;
using Bert.Runtime.Data;
using Bert.Runtime.Distributed;
using Bert.Runtime.Training;

namespace Bert.Runtime.Pretraining;

/// <summary>
/// Step-based MLM + NSP pretraining: cycles epochs of batches and runs each step through <see cref="TrainingSteps"/>
/// (forward, the loss checks, backward, clipping and Adam/AdamW with the learning-rate schedule), as fine-tuning does. The passes run where the
/// model runs (<see cref="IPretrainingModel.UseDevice"/>) and the update on the matching <see cref="TrainingBackend"/>,
/// so the CPU and the GPU share this loop. Throughput counts forward, backward and the update only (data loading
/// excluded; on a GPU the forward pass includes the batch's upload), like the tutorial.
/// In a data-parallel run (<see cref="DataParallelTraining"/>) every rank walks the same batches, trains on its own
/// share of each (<see cref="BatchShard"/>) with its own dropout masks, and steps with the gradients averaged over the
/// ranks; the losses it reports are the ranks' mean and its pace counts the pairs of all ranks.
/// </summary>
public sealed class Pretrainer : IDisposable
{
    readonly IPretrainingModel model;
    readonly TrainerOptions options;
    readonly PretrainingBatches batches;
    readonly TrainingSteps steps;
    readonly DataParallelTraining? parallel;
    readonly int vocabularySize;
    RunningMean averageMlm, averageNsp;
    long trainedPairs;

    /// <param name="parallel">This process's part in a data-parallel run over the model's GPU session; null: a single process.</param>
    public Pretrainer(IPretrainingModel model, PretrainingDataset data, TrainerOptions options, DataParallelTraining? parallel = null)
    {
        options.Validate();
        if (parallel is not null && model.Gpu is null)
            throw new ArgumentException("Data-parallel training runs on GPUs: move the model with UseDevice first.", nameof(parallel));
        this.model = model;
        this.options = options;
        this.parallel = parallel;
        vocabularySize = data.Vocabulary.Count;
        // Several ranks drop an epoch's short last batch: it may not give every rank an example.
        batches = data.Batches(shuffle: true, dropLast: parallel is { Group.WorldSize: > 1 });
        Backend = TrainingBackend.For(model.Parameters, model.Gpu, options.Optimizer == OptimizerKind.AdamW
            ? new AdamSettings(WeightDecay: options.WeightDecay, DecoupledWeightDecay: true)
            : new AdamSettings(DecoupledWeightDecay: false));
        Backend.GradientSynchronizer = parallel?.Gradients;
        var schedule = options.Schedule switch
        {
            ScheduleKind.Linear => LearningRateSchedule.WarmupLinear(options.LearningRate, options.WarmupSteps, options.Steps),
            ScheduleKind.Cosine => LearningRateSchedule.WarmupCosine(options.LearningRate, options.WarmupSteps, options.Steps),
            _ => LearningRateSchedule.WarmupConstant(options.LearningRate, options.WarmupSteps),
        };
        steps = new TrainingSteps(Backend, schedule, options.ClipNorm);
    }

    /// <summary>Where the update runs; its optimizer state and parameter copies serve checkpoints and <c>--resume</c>.</summary>
    public TrainingBackend Backend { get; }

    public IOptimizerState Optimizer => Backend.Optimizer;

    /// <summary>Where the steps run: "cpu" or e.g. "cuda:0 (NVIDIA H100 80GB HBM3)".</summary>
    public string Device => Backend.Device;

    /// <summary>Steps completed so far (also after <see cref="Restore"/>).</summary>
    public int Step => steps.Step;

    /// <summary>Sentence pairs per second over the steps this instance ran (of all ranks together in a data-parallel run).</summary>
    public double PairsPerSecond => steps.Seconds > 0 ? trainedPairs / steps.Seconds : 0;

    public PretrainingLosses Average => new((float)averageMlm.Value, (float)averageNsp.Value);

    /// <summary>
    /// Continues a run at <paramref name="step"/>, once the parameters (uploaded with <see cref="TrainingBackend.UploadParameters"/>)
    /// and <see cref="Optimizer"/> state are loaded:
    /// the batch order is replayed up to that step, so the resumed run sees the same batches and dropout masks as
    /// an uninterrupted one. <paramref name="history"/> (the losses of the steps already run) restores the running averages.
    /// </summary>
    public void Restore(int step, IEnumerable<PretrainingLosses> history)
    {
        if (step < 0 || step > options.Steps) throw new UserError(name => $"The checkpoint is at step {step}, outside 0..{options.Steps}; raise {name(Setting.Steps)}.");
        if (Optimizer.Step != step) throw new UserError($"The checkpoint is at step {step} but its optimizer state at step {Optimizer.Step}.");
        for (int i = 0; i < step; i++) batches.Next();
        foreach (var losses in history)
        {
            averageMlm.Add(losses.Mlm);
            averageNsp.Add(losses.Nsp);
        }
        steps.ResumeAt(step);
    }

    /// <summary>Runs one step and returns its report; throws <see cref="TrainingDivergedException"/> on a NaN, infinite or exploded loss.</summary>
    public StepReport RunStep()
    {
        var batch = batches.Next();
        var shard = parallel?.ShardOf(batch.Size) ?? new BatchShard(0, batch.Size, 0);
        model.Load(shard.Of(batch));

        var losses = default(PretrainingLosses);
        var (rate, norm) = steps.Run(() =>
        {
            losses = model.Forward(training: true, options.Dropout, StepSeeds.ForStep(options.Seed, Step, parallel?.Group.Rank ?? 0));
            // Every rank decides on the same (averaged) loss, so a divergence stops all of them at the same step.
            if (parallel is not null)
            {
                Span<float> both = [losses.Mlm, losses.Nsp];
                parallel.Average(both);
                losses = new PretrainingLosses(both[0], both[1]);
            }
            return [new LossTerm("MLM", losses.Mlm, vocabularySize), new LossTerm("NSP", losses.Nsp, Classes: 2)];
        }, model.Backward);

        trainedPairs += (long)shard.Count * (parallel?.Group.WorldSize ?? 1);
        averageMlm.Add(losses.Mlm);
        averageNsp.Add(losses.Nsp);
        return new StepReport(Step, options.Steps, losses, Average, rate, norm, PairsPerSecond, TimeSpan.FromSeconds(steps.Seconds));
    }

    public void Dispose() => Backend.Dispose();
}
