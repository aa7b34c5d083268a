using Bert.Runtime.Pretraining;
using Bert.Runtime.Data;
using Bert.Runtime.Distributed;
using Bert.Runtime.Trainer;
using Bert.Samples.Devices;
using Bert.Samples.Models;

namespace Bert.Samples.Pretraining;

/// <summary>Everything a pretraining run needs; the CLI fills it from flags.</summary>
/// <param name="EvalBatches">Validation batches evaluated at the end (0: none).</param>
/// <param name="CheckpointEvery">Save a checkpoint every this many steps (0: only at the end).</param>
/// <param name="Device">Where the model trains (null: the CPU).</param>
/// <param name="Processes">This process's place in a data-parallel run (null: a single process); see <see cref="Group"/>.</param>
public sealed record PretrainSettings(
    string DataFolder,
    ModelConfig Model,
    PretrainingOptions Data,
    TrainerOptions Trainer,
    string OutFolder,
    string? ResumeFolder = null,
    int EvalBatches = 10,
    int CheckpointEvery = 0,
    ComputeDevice? Device = null,
    ProcessGroup? Processes = null)
{
    public ComputeDevice RunsOn => Device ?? ComputeDevice.Cpu;

    /// <summary>The processes training together; <see cref="Data"/>'s batch size is their global batch, split among them.</summary>
    public ProcessGroup Group => Processes ?? ProcessGroup.Single;

    public void Validate()
    {
        Data.Validate();
        Trainer.Validate();
        if (EvalBatches < 0) throw new Bert.Runtime.UserError($"--eval-batches is {EvalBatches}; it must be zero or more.");
        if (CheckpointEvery < 0) throw new Bert.Runtime.UserError($"--checkpoint-every is {CheckpointEvery}; it must be zero or more.");
        if (Group.WorldSize > 1)
        {
            RankDevice.Choose(RunsOn.Device, ordinalGiven: true, Group);
            BatchShard.Of(Data.BatchSize, Group);
        }
    }
}

/// <summary>What a finished run reports (the tutorial's two lines, the JSON line and the files written).</summary>
/// <param name="Device">Where it trained: "cpu" or e.g. "cuda:0 (NVIDIA H100 80GB HBM3)".</param>
/// <param name="GpuName">The GPU's name, or null on the CPU.</param>
public sealed record PretrainResult(
    PretrainingLosses AverageLosses,
    double PairsPerSecond,
    int Vocabulary,
    int Examples,
    int Steps,
    string Device,
    string? GpuName,
    double DataSeconds,
    EvaluationResult? Validation,
    string Checkpoint,
    string LossPlot);

/// <summary>Progress of a run: data ready, then one report per step.</summary>
public abstract record PretrainEvent
{
    public sealed record DataReady(int Examples, int Vocabulary, double Seconds, string Model, long Parameters, string Device) : PretrainEvent;
    /// <summary>A data-parallel run (reported once): each rank's <paramref name="Shard"/> of every batch.</summary>
    public sealed record DataParallel(ProcessGroup Group, BatchShard Shard) : PretrainEvent;
    public sealed record Resumed(int Step) : PretrainEvent;
    public sealed record Stepped(StepReport Report) : PretrainEvent;
    public sealed record Evaluating(int Batches) : PretrainEvent;
}
