using Bert.Runtime.Gpu;
using Bert.Runtime.Training;

namespace Bert.Runtime.Trainer;

/// <summary>
/// Where the arithmetic of a training step runs after the backward pass: the gradient norm, the non-finite check,
/// global-norm clipping and the Adam/AdamW update, over the parameters, gradients and moments of one device.
/// <see cref="HostTrainingBackend"/> uses the model's <see cref="ParameterStore"/> and <see cref="AdamOptimizer"/>;
/// <see cref="GpuTrainingBackend"/> a <see cref="GpuSession"/> and <see cref="GpuAdam"/>. The trainers
/// (<see cref="Pretrainer"/>, fine-tuning) run the same step on either.
/// </summary>
public abstract class TrainingBackend : IDisposable
{
    /// <summary>
    /// The backend for a model whose passes run on <paramref name="gpu"/> (null: on the host), over its host
    /// <paramref name="store"/> (the layout of the session's parameter buffer, used for checkpoints).
    /// </summary>
    public static TrainingBackend For(ParameterStore store, GpuSession? gpu, AdamSettings settings) => gpu is null
        ? new HostTrainingBackend(store, settings)
        : new GpuTrainingBackend(gpu, store, settings);

    /// <summary>Where the step runs, for reports: "cpu" or e.g. "cuda:0 (NVIDIA H100 80GB HBM3)".</summary>
    public abstract string Device { get; }

    /// <summary>The optimizer's resumable state, for checkpoints and <c>--resume</c>.</summary>
    public abstract IOptimizerState Optimizer { get; }

    /// <summary>Averages the gradients over the ranks of a data-parallel run; null (the default) in a single process.</summary>
    public IGradientSynchronizer? GradientSynchronizer { get; set; }

    /// <summary>
    /// Finishes step <paramref name="step"/> (1-based, for messages) once the backward pass has filled the gradients:
    /// throws <see cref="TrainingDivergedException"/> naming the first non-finite gradient, clips to
    /// <paramref name="clipNorm"/> (0: off) and updates at <paramref name="learningRate"/>. Returns the norm before clipping.
    /// </summary>
    public double ApplyGradients(int step, float learningRate, float clipNorm)
    {
        // The gradients are final from here on: this is the one place a data-parallel all-reduce of the gradient
        // buffer goes, after the backward pass and before the norm, the clipping and Adam read it.
        GradientSynchronizer?.Synchronize();
        double norm = GradientNorm();
        if (!double.IsFinite(norm) && FirstNonFiniteGradient() is { } bad)
            throw new TrainingDivergedException(step, $"the gradient of {bad} is not finite");
        Update(learningRate, clipNorm > 0 ? GradientChecks.ClipScale(norm, clipNorm) : 1f);
        return norm;
    }

    /// <summary>√(Σ g²) over every gradient; NaN or ∞ when any gradient is.</summary>
    public abstract double GradientNorm();

    /// <summary>The first parameter whose gradient is NaN or ±∞, or null (asked only when the norm is not finite).</summary>
    protected abstract string? FirstNonFiniteGradient();

    /// <summary>One Adam/AdamW update from the gradients times <paramref name="gradientScale"/>; returns once it is done.</summary>
    public abstract void Update(float learningRate, float gradientScale = 1f);

    /// <summary>Copies the device's parameters into the host store (before a checkpoint is written); nothing on the host.</summary>
    public abstract void DownloadParameters();

    /// <summary>Copies the host store's parameters to the device (after a checkpoint is loaded into it); nothing on the host.</summary>
    public abstract void UploadParameters();

    public virtual void Dispose() => GC.SuppressFinalize(this);
}
