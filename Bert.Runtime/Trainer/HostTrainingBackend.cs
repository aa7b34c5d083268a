using System.Numerics.Tensors;
using Bert.Runtime.Training;

namespace Bert.Runtime.Trainer;

/// <summary>
/// The update on the CPU: the model's own parameter and gradient arrays, and <see cref="AdamOptimizer"/>.
/// </summary>
public sealed class HostTrainingBackend(ParameterStore store, AdamSettings settings) : TrainingBackend
{
    readonly AdamOptimizer optimizer = new(store, settings);

    public override string Device => "cpu";

    public override IOptimizerState Optimizer => optimizer;

    public override double GradientNorm() => GradientChecks.GlobalNorm(store.Grads);

    protected override string? FirstNonFiniteGradient() => GradientChecks.FirstNonFiniteGradient(store);

    public override void Update(float learningRate, float gradientScale = 1f)
    {
        if (gradientScale != 1f) TensorPrimitives.Multiply(store.Grads, gradientScale, store.Grads);
        optimizer.Update(learningRate);
    }

    public override void DownloadParameters() { }

    public override void UploadParameters() { }
}
