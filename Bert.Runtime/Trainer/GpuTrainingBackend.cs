using Bert.Runtime.Gpu;
using Bert.Runtime.Training;

namespace Bert.Runtime.Trainer;

/// <summary>
/// The step on a GPU: the norm, the clipping factor and Adam/AdamW run on the session's parameter and gradient
/// buffers with device moments (<see cref="GpuAdam"/>), so a step copies 8 bytes (the norm) back, not the
/// gradients. The host <see cref="ParameterStore"/> is the session's layout (the model's own arrays); it holds the
/// parameters only after <see cref="DownloadParameters"/>, and the gradients only on the divergence path.
/// </summary>
public sealed class GpuTrainingBackend : TrainingBackend
{
    readonly GpuSession gpu;
    readonly ParameterStore store;
    readonly GpuAdam adam;

    public GpuTrainingBackend(GpuSession gpu, ParameterStore store, AdamSettings settings)
    {
        if (store.Values.Length != gpu.ParameterCount)
            throw new ArgumentException(
                $"The parameter store holds {store.Values.Length:N0} floats but the GPU session {gpu.ParameterCount:N0}: the store must be the session's model's own.",
                nameof(store));
        this.gpu = gpu;
        this.store = store;
        adam = gpu.CreateAdam(settings);
    }

    public override string Device => gpu.Device.ToString();

    public override IOptimizerState Optimizer => adam;

    public override double GradientNorm() => gpu.GradientNorm();

    /// <summary>Downloads the gradients to name the bad one (only after a non-finite norm, so off the hot path).</summary>
    protected override string? FirstNonFiniteGradient()
    {
        gpu.DownloadGradients(store.Grads);
        return GradientChecks.FirstNonFiniteGradient(store);
    }

    /// <summary>The fused clip-and-Adam kernel, then a wait, so a step's time includes its update.</summary>
    public override void Update(float learningRate, float gradientScale = 1f)
    {
        adam.Update(learningRate, gradientScale);
        gpu.Synchronize();
    }

    public override void DownloadParameters() => gpu.DownloadParameters(store.Values);

    public override void UploadParameters() => gpu.UploadParameters(store.Values);

    public override void Dispose()
    {
        adam.Dispose();
        base.Dispose();
    }
}
