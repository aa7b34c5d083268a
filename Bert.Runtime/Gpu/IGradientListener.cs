namespace Bert.Runtime.Gpu;

/// <summary>Receives <see cref="GpuSession.GradientsReady"/> notifications during a generated backward pass.</summary>
public interface IGradientListener
{
    /// <summary>
    /// The gradients of <paramref name="parameters"/> (spec indices) are final once the work queued so far on the
    /// session's stream has run; called on the thread running the backward pass.
    /// </summary>
    void GradientsReady(ReadOnlySpan<int> parameters);
}
