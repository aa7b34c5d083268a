using System.Numerics.Tensors;
using Bert.Runtime.Cpu;

namespace Bert.Runtime.Training;

/// <summary>
/// Adam hyper-parameters. <paramref name="DecoupledWeightDecay"/> selects AdamW (θ ← θ − lr·wd·θ, applied
/// beside the Adam step) instead of Adam's L2 penalty (g ← g + wd·θ, folded into the moments). Weight decay
/// touches only parameters declared with Decay.
/// </summary>
public sealed record AdamSettings(
    float Beta1 = 0.9f, float Beta2 = 0.999f, float Epsilon = 1e-8f, float WeightDecay = 0f, bool DecoupledWeightDecay = true)
{
    internal void Validate()
    {
        if (!(Beta1 >= 0f && Beta1 < 1f)) throw new ArgumentOutOfRangeException(nameof(Beta1), Beta1, "must be in [0, 1)");
        if (!(Beta2 >= 0f && Beta2 < 1f)) throw new ArgumentOutOfRangeException(nameof(Beta2), Beta2, "must be in [0, 1)");
        if (!(Epsilon > 0f)) throw new ArgumentOutOfRangeException(nameof(Epsilon), Epsilon, "must be positive");
        if (!(WeightDecay >= 0f)) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "must be non-negative");
    }
}

/// <summary>Adam's resumable state: the step count and both moment arrays (laid out like <see cref="ParameterStore.Values"/>).</summary>
public sealed record AdamState(long Step, float[] FirstMoment, float[] SecondMoment)
{
    /// <summary>Throws unless the state fits an optimizer of <paramref name="floats"/> parameter floats, held by <paramref name="holder"/> (for the message).</summary>
    public void RequireFits(long floats, string holder)
    {
        if (FirstMoment.Length != floats || SecondMoment.Length != floats)
            throw new ArgumentException(
                $"Optimizer state holds {FirstMoment.Length}/{SecondMoment.Length} moments, but {holder} has {floats} parameter floats: it belongs to a different model.",
                "state");
        if (Step < 0) throw new ArgumentOutOfRangeException("state", Step, "step must be non-negative");
    }
}

/// <summary>
/// Bias-corrected Adam / AdamW over a <see cref="ParameterStore"/>'s flat arrays. The update runs in
/// cache-sized chunks (each parameter's decay flag applies per chunk) with TensorPrimitives, chunks in parallel.
/// </summary>
public sealed class AdamOptimizer : IOptimizerState
{
    /// <summary>Floats per chunk: the chunk's θ, g, m, v and scratch stay in L2 between the TensorPrimitives passes.</summary>
    const int ChunkLength = 4096;

    readonly ParameterStore store;
    readonly float[] m, v;
    readonly (int Start, int Length, bool Decay)[] chunks;

    public AdamOptimizer(ParameterStore store, AdamSettings settings)
    {
        settings.Validate();
        this.store = store;
        Settings = settings;
        m = new float[store.Values.Length];
        v = new float[store.Values.Length];
        chunks = [.. store.Parameters.SelectMany(Chunks)];
    }

    public static AdamOptimizer Adam(ParameterStore store, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float l2 = 0f) =>
        new(store, new AdamSettings(beta1, beta2, epsilon, l2, DecoupledWeightDecay: false));

    public static AdamOptimizer AdamW(ParameterStore store, float weightDecay = 0.01f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f) =>
        new(store, new AdamSettings(beta1, beta2, epsilon, weightDecay, DecoupledWeightDecay: true));

    public AdamSettings Settings { get; }

    /// <summary>Updates taken so far (the bias correction uses Step after the increment).</summary>
    public long Step { get; private set; }

    /// <summary>One update of every parameter from <see cref="ParameterStore.Grads"/> at <paramref name="learningRate"/>.</summary>
    public void Update(float learningRate)
    {
        Step++;
        var s = Settings;
        float correction1 = 1f - MathF.Pow(s.Beta1, Step), correction2 = 1f - MathF.Pow(s.Beta2, Step);
        var step = new ChunkStep(this, learningRate, correction1, correction2);
        ParallelRows.For(chunks.Length, 4, step.Run);
    }

    public AdamState ExportState() => new(Step, (float[])m.Clone(), (float[])v.Clone());

    public void ImportState(AdamState state)
    {
        state.RequireFits(m.Length, "the parameter store");
        state.FirstMoment.CopyTo(m, 0);
        state.SecondMoment.CopyTo(v, 0);
        Step = state.Step;
    }

    static IEnumerable<(int, int, bool)> Chunks(ParameterInfo p)
    {
        for (long start = 0; start < p.Length; start += ChunkLength)
            yield return ((int)(p.Offset + start), (int)Math.Min(ChunkLength, p.Length - start), p.Decay);
    }

    sealed class ChunkStep(AdamOptimizer optimizer, float lr, float correction1, float correction2)
    {
        public void Run(int first, int end)
        {
            var s = optimizer.Settings;
            Span<float> scratch = stackalloc float[ChunkLength];
            Span<float> gradient = stackalloc float[ChunkLength];
            for (int c = first; c < end; c++)
            {
                var (start, length, decay) = optimizer.chunks[c];
                var theta = optimizer.store.Values.AsSpan(start, length);
                var m = optimizer.m.AsSpan(start, length);
                var v = optimizer.v.AsSpan(start, length);
                var t = scratch[..length];
                scoped ReadOnlySpan<float> g = optimizer.store.Grads.AsSpan(start, length);
                if (decay && s.WeightDecay > 0f && !s.DecoupledWeightDecay)
                {
                    TensorPrimitives.MultiplyAdd(theta, s.WeightDecay, g, gradient[..length]); // g + wd·θ
                    g = gradient[..length];
                }
                // m ← β1·m + (1−β1)·g ;  v ← β2·v + (1−β2)·g²
                TensorPrimitives.Multiply(g, 1f - s.Beta1, t);
                TensorPrimitives.MultiplyAdd(m, s.Beta1, t, m);
                TensorPrimitives.Multiply(g, g, t);
                TensorPrimitives.Multiply(t, 1f - s.Beta2, t);
                TensorPrimitives.MultiplyAdd(v, s.Beta2, t, v);
                // t ← m̂ / (√v̂ + ε), with m̂ = m / (1−β1ᵗ), v̂ = v / (1−β2ᵗ)
                TensorPrimitives.Multiply(v, 1f / correction2, t);
                TensorPrimitives.Sqrt(t, t);
                TensorPrimitives.Add(t, s.Epsilon, t);
                TensorPrimitives.Divide(m, t, t);
                if (decay && s.WeightDecay > 0f && s.DecoupledWeightDecay)
                    TensorPrimitives.Multiply(theta, 1f - lr * s.WeightDecay, theta);
                TensorPrimitives.MultiplyAdd(t, -lr / correction1, theta, theta);
            }
        }
    }
}
