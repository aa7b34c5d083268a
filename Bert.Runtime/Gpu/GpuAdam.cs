using Bert.Runtime.Training;
using ILGPU;
using ILGPU.Runtime;

namespace Bert.Runtime.Gpu;

/// <summary>
/// Adam / AdamW over a <see cref="GpuSession"/>'s parameters and gradients, with both moments on the device: one
/// fused <see cref="RuntimeKernels.AdamUpdate"/> launch per run of equal weight-decay setting (<see cref="AdamRuns"/>),
/// so training never copies parameters or gradients to the host. Same arithmetic, bias correction and decay rules as
/// the CPU <see cref="AdamOptimizer"/>; moments are laid out like the session's parameters (spec order, no gaps).
/// </summary>
public sealed class GpuAdam : IOptimizerState, IDisposable
{
    readonly GpuSession session;
    readonly IReadOnlyList<AdamRun> runs;
    readonly MemoryBuffer1D<float, Stride1D.Dense> m, v;

    internal GpuAdam(GpuSession session, AdamSettings settings)
    {
        settings.Validate();
        this.session = session;
        Settings = settings;
        runs = AdamRuns.From(session.Parameters);
        var accelerator = session.Device.Accelerator;
        m = accelerator.Allocate1D<float>(session.ParameterCount);
        try
        {
            v = accelerator.Allocate1D<float>(session.ParameterCount);
        }
        catch
        {
            m.Dispose();
            throw;
        }
        m.View.MemSetToZero(session.Stream);
        v.View.MemSetToZero(session.Stream);
    }

    public AdamSettings Settings { get; }

    /// <summary>Updates taken so far (the bias correction uses Step after the increment).</summary>
    public long Step { get; private set; }

    /// <summary>
    /// One update of every parameter at <paramref name="learningRate"/>, from the gradients times
    /// <paramref name="gradientScale"/> (the global-norm clipping factor, <see cref="GradientChecks.ClipScale"/>; 1 for none).
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
            var step = new RuntimeKernels.AdamStep(s.Beta1, s.Beta2, s.Epsilon, l2, keep, stepSize, invCorrection2, gradientScale);
            session.Runtime.AdamUpdate(session.Stream, step,
                session.ParameterView.SubView(run.Start, run.Length), session.GradientView.SubView(run.Start, run.Length),
                m.View.SubView(run.Start, run.Length), v.View.SubView(run.Start, run.Length));
        }
    }

    /// <summary>Downloads the step count and both moments (for a checkpoint).</summary>
    public AdamState ExportState()
    {
        var state = new AdamState(Step, new float[session.ParameterCount], new float[session.ParameterCount]);
        session.Device.MakeCurrent();
        m.View.CopyToCPU(session.Stream, state.FirstMoment);
        v.View.CopyToCPU(session.Stream, state.SecondMoment);
        session.Stream.Synchronize();
        return state;
    }

    /// <summary>Uploads a checkpoint's state (moments laid out like the session's parameters).</summary>
    public void ImportState(AdamState state)
    {
        state.RequireFits(session.ParameterCount, "the GPU session");
        session.Device.MakeCurrent();
        m.View.CopyFromCPU(session.Stream, state.FirstMoment);
        v.View.CopyFromCPU(session.Stream, state.SecondMoment);
        session.Stream.Synchronize();
        Step = state.Step;
    }

    public void Dispose()
    {
        v.Dispose();
        m.Dispose();
    }
}
