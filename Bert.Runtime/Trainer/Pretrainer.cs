using System.Diagnostics;
using Bert.Runtime.Data;
using Bert.Runtime.Training;

namespace Bert.Runtime.Trainer;

/// <summary>
/// Step-based MLM + NSP pretraining: cycles epochs of batches, runs forward and backward, checks the loss and
/// gradients are finite, clips, and applies Adam/AdamW with the learning-rate schedule. The passes run where the
/// model runs (<see cref="IPretrainingModel.UseDevice"/>) and the update on the matching <see cref="TrainingBackend"/>,
/// so the CPU and the GPU share this loop. Throughput counts forward, backward and the update only (data loading
/// excluded; on a GPU the forward pass includes the batch's upload), like the tutorial.
/// </summary>
public sealed class Pretrainer : IDisposable
{
    readonly IPretrainingModel model;
    readonly TrainerOptions options;
    readonly PretrainingBatches batches;
    readonly LearningRateSchedule schedule;
    RunningMean averageMlm, averageNsp;
    double trainSeconds;
    long trainedPairs;

    public Pretrainer(IPretrainingModel model, PretrainingDataset data, TrainerOptions options)
    {
        options.Validate();
        this.model = model;
        this.options = options;
        batches = data.Batches(shuffle: true);
        Backend = TrainingBackend.For(model.Parameters, model.Gpu, options.Optimizer == OptimizerKind.AdamW
            ? new AdamSettings(WeightDecay: options.WeightDecay, DecoupledWeightDecay: true)
            : new AdamSettings(DecoupledWeightDecay: false));
        schedule = options.Schedule switch
        {
            ScheduleKind.Linear => LearningRateSchedule.WarmupLinear(options.LearningRate, options.WarmupSteps, options.Steps),
            ScheduleKind.Cosine => LearningRateSchedule.WarmupCosine(options.LearningRate, options.WarmupSteps, options.Steps),
            _ => LearningRateSchedule.WarmupConstant(options.LearningRate, options.WarmupSteps),
        };
    }

    /// <summary>Where the update runs; its optimizer state and parameter copies serve checkpoints and <c>--resume</c>.</summary>
    public TrainingBackend Backend { get; }

    public IOptimizerState Optimizer => Backend.Optimizer;

    /// <summary>Where the steps run: "cpu" or e.g. "cuda:0 (NVIDIA H100 80GB HBM3)".</summary>
    public string Device => Backend.Device;

    /// <summary>Steps completed so far (also after <see cref="Restore"/>).</summary>
    public int Step { get; private set; }

    /// <summary>Sentence pairs per second over the steps this instance ran.</summary>
    public double PairsPerSecond => trainSeconds > 0 ? trainedPairs / trainSeconds : 0;

    public PretrainingLosses Average => new((float)averageMlm.Value, (float)averageNsp.Value);

    /// <summary>
    /// Continues a run at <paramref name="step"/>, once the parameters (uploaded with <see cref="TrainingBackend.UploadParameters"/>)
    /// and <see cref="Optimizer"/> state are loaded:
    /// the batch order is replayed up to that step, so the resumed run sees the same batches and dropout masks as
    /// an uninterrupted one. <paramref name="history"/> (the losses of the steps already run) restores the running averages.
    /// </summary>
    public void Restore(int step, IEnumerable<PretrainingLosses> history)
    {
        if (step < 0 || step > options.Steps) throw new UserError($"The checkpoint is at step {step}, outside 0..{options.Steps}; raise --steps.");
        if (Optimizer.Step != step) throw new UserError($"The checkpoint is at step {step} but its optimizer state at step {Optimizer.Step}.");
        for (int i = 0; i < step; i++) batches.Next();
        foreach (var losses in history)
        {
            averageMlm.Add(losses.Mlm);
            averageNsp.Add(losses.Nsp);
        }
        Step = step;
    }

    /// <summary>Runs one step and returns its report; throws <see cref="TrainingDivergedException"/> on NaN/Inf.</summary>
    public StepReport RunStep()
    {
        var batch = batches.Next();
        model.Load(batch);
        long start = Stopwatch.GetTimestamp();

        var losses = model.Forward(training: true, options.Dropout, StepSeeds.ForStep(options.Seed, Step));
        if (!float.IsFinite(losses.Total)) throw new TrainingDivergedException(Step + 1, $"the loss ({losses.Total})");
        model.Backward();
        float rate = schedule.At(Step);
        double norm = Backend.ApplyGradients(Step + 1, rate, options.ClipNorm);

        trainSeconds += Stopwatch.GetElapsedTime(start).TotalSeconds;
        trainedPairs += batch.Size;
        Step++;
        averageMlm.Add(losses.Mlm);
        averageNsp.Add(losses.Nsp);
        return new StepReport(Step, options.Steps, losses, Average, rate, norm, PairsPerSecond, TimeSpan.FromSeconds(trainSeconds));
    }

    public void Dispose() => Backend.Dispose();
}
