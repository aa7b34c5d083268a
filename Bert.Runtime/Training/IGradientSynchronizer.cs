namespace Bert.Runtime.Training;

/// <summary>
/// Makes the gradients of a backward pass the same on every process of a data-parallel run (averaged over the ranks)
/// before the optimizer's step reads them: the norm, the clipping and the optimizer then see one gradient
/// everywhere and every rank takes the same step. A single process has none.
/// </summary>
public interface IGradientSynchronizer
{
    /// <summary>Called once per step, after the backward pass and before anything reads the gradients.</summary>
    void Synchronize();
}
