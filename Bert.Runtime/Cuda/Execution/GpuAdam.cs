using Bert.Runtime.Cuda.Kernels;
using Bert.Runtime.Training;

namespace Bert.Runtime.Cuda.Execution;

/// <summary>
/// Adam / AdamW over a <see cref="GpuSession"/>'s parameters and gradients, with both moments on the device: one
/// fused <c>adam_update</c> launch per run of equal weight-decay setting (<see cref="AdamRuns"/>), so training never
/// copies parameters or gradients to the host. Same arithmetic, bias correction and decay rules as the CPU
/// <see cref="AdamOptimizer"/>; moments are laid out like the session's parameters (spec order, no gaps).
/// </summary>
public sealed class GpuAdam : IOptimizerState, IDisposable
{
    readonly GpuSession session;
    readonly IReadOnlyList<AdamRun> runs;
    readonly DeviceAllocation m, v;

    internal GpuAdam(GpuSession session, AdamSettings settings)
    {
        settings.Validate();
        this.session = session;
        Settings = settings;
        runs = AdamRuns.From(session.Parameters);
        long bytes = session.ParameterCount * (long)sizeof(float);
        m = session.Device.Allocate(bytes);
        try
        {
            v = session.Device.Allocate(bytes);
        }
        catch
        {
            m.Dispose();
            throw;
        }
        session.Device.Fill(m.Memory);
        session.Device.Fill(v.Memory);
    }

    public AdamSettings Settings { get; }

    /// <summary>Updates taken so far (the bias correction uses Step after the increment).</summary>
    public long Step { get; private set; }

    /// <summary>
    /// One update of every parameter at <paramref name="learningRate"/>, from the gradients times
    /// <paramref name="gradientScale"/> (the global-norm clipping factor, <see cref="ClipScale"/>; 1 for none).
    /// Queued on the session's stream: returns without waiting.
    /// </summary>
    public void Update(float learningRate, float gradientScale = 1f)
    {
        Step++;
        var s = Settings;
        // The same single-precision scalars as the CPU optimizer, computed once per step on the host.
        float correction1 = 1f - MathF.Pow(s.Beta1, Step), correction2 = 1f - MathF.Pow(s.Beta2, Step);
        float stepSize = -learningRate / correction1, invCorrection2 = 1f / correction2;
        session.Device.MakeCurrent();
        foreach (var run in runs)
        {
            bool decay = run.WeightDecay && s.WeightDecay > 0f;
            float l2 = decay && !s.DecoupledWeightDecay ? s.WeightDecay : 0f;
            float keep = decay && s.DecoupledWeightDecay ? 1f - learningRate * s.WeightDecay : 1f;
            ulong offset = (ulong)run.Start * sizeof(float);
            session.Runtime.AdamUpdate.Launch(GpuRuntimeKernels.GridStride(run.Length), session.Stream,
            [
                session.ParameterMemory.Pointer + offset, session.GradientMemory.Pointer + offset,
                m.Memory.Pointer + offset, v.Memory.Pointer + offset, KernelArg.Long(run.Length),
                KernelArg.Float(s.Beta1), KernelArg.Float(s.Beta2), KernelArg.Float(s.Epsilon), KernelArg.Float(l2),
                KernelArg.Float(keep), KernelArg.Float(stepSize), KernelArg.Float(invCorrection2), KernelArg.Float(gradientScale),
            ]);
        }
    }

    /// <summary>The gradient factor that clips the global norm to <paramref name="maxNorm"/>: <see cref="GradientChecks.ClipScale"/>.</summary>
    public static float ClipScale(double norm, float maxNorm) => GradientChecks.ClipScale(norm, maxNorm);

    /// <summary>Downloads the step count and both moments (for a checkpoint).</summary>
    public AdamState ExportState()
    {
        var state = new AdamState(Step, new float[session.ParameterCount], new float[session.ParameterCount]);
        session.Device.Download<float>(m.Memory, state.FirstMoment);
        session.Device.Download<float>(v.Memory, state.SecondMoment);
        return state;
    }

    /// <summary>Uploads a checkpoint's state (moments laid out like the session's parameters).</summary>
    public void ImportState(AdamState state)
    {
        if (state.FirstMoment.Length != session.ParameterCount || state.SecondMoment.Length != session.ParameterCount)
            throw new ArgumentException(
                $"Optimizer state holds {state.FirstMoment.Length}/{state.SecondMoment.Length} moments, but the GPU session has {session.ParameterCount} parameter floats: it belongs to a different model.",
                nameof(state));
        if (state.Step < 0) throw new ArgumentOutOfRangeException(nameof(state), state.Step, "step must be non-negative");
        session.Device.Upload<float>(state.FirstMoment, m.Memory);
        session.Device.Upload<float>(state.SecondMoment, v.Memory);
        Step = state.Step;
    }

    public void Dispose()
    {
        v.Dispose();
        m.Dispose();
    }
}
