using System.Diagnostics;
using Bert.Runtime.Training;

namespace Bert.Runtime.Trainer;

/// <summary>A loss a step checks for divergence: its name for messages and its class count (the scale of a uniform guess).</summary>
public readonly record struct LossTerm(string Name, float Value, int Classes);

/// <summary>
/// The optimizer steps of a training run, the same for every task (pretraining, fine-tuning): the forward pass in
/// training mode, a divergence check of each of its losses, the backward pass, then the update on the
/// <see cref="TrainingBackend"/> at the schedule's rate with global-norm clipping. It counts the steps and times the
/// passes and the update (the caller loads each batch before <see cref="Run"/>, so data loading is not timed).
/// </summary>
public sealed class TrainingSteps(TrainingBackend backend, LearningRateSchedule schedule, float clipNorm)
{
    /// <summary>Steps completed so far.</summary>
    public int Step { get; private set; }

    /// <summary>Seconds spent in <see cref="Run"/> so far.</summary>
    public double Seconds { get; private set; }

    /// <summary>Continues a run at <paramref name="step"/> (its parameters and optimizer state already restored).</summary>
    public void ResumeAt(int step) => Step = step;

    /// <summary>
    /// Runs one step: <paramref name="forward"/> returns the step's losses (throws <see cref="TrainingDivergedException"/>
    /// when one is NaN, infinite or exploded, before anything is updated), then <paramref name="backward"/> and the update.
    /// Returns the learning rate used and the gradient norm before clipping.
    /// </summary>
    public (float LearningRate, double GradientNorm) Run(Func<IReadOnlyList<LossTerm>> forward, Action backward)
    {
        long start = Stopwatch.GetTimestamp();
        foreach (var loss in forward())
            TrainingDivergedException.ThrowIfDiverged(Step + 1, loss.Name, loss.Value, loss.Classes);
        backward();
        float rate = schedule.At(Step);
        double norm = backend.ApplyGradients(Step + 1, rate, clipNorm);
        Seconds += Stopwatch.GetElapsedTime(start).TotalSeconds;
        Step++;
        return (rate, norm);
    }
}
