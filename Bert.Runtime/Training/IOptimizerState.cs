namespace Bert.Runtime.Training;

/// <summary>
/// An Adam optimizer's resumable state, wherever its moments live (host arrays or GPU memory): what checkpoints
/// save and <c>--resume</c> loads. The moments are laid out like the parameter store's values, so a state exported
/// on one device imports on the other.
/// </summary>
public interface IOptimizerState
{
    /// <summary>Updates taken so far.</summary>
    long Step { get; }

    /// <summary>Copies the step count and both moments to the host.</summary>
    AdamState ExportState();

    /// <summary>Replaces the step count and both moments (laid out like the parameter store's values).</summary>
    void ImportState(AdamState state);
}
