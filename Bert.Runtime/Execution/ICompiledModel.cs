using Bert.Runtime.Training;

namespace Bert.Runtime.Execution;

/// <summary>
/// What every model the generator compiles has, whatever its dimensions, inputs and outputs (those are its own members:
/// <c>Bind(…)</c>, <c>…Input</c> spans, output spans): parameters in contiguous value and gradient stores, the CPU
/// passes, the arena the bound dimensions use.
/// </summary>
public interface ICompiledModel : IDisposable
{
    /// <summary>Every parameter's values, contiguous, in spec order.</summary>
    float[] ParameterValues { get; }

    /// <summary>Gradients of the loss, laid out like <see cref="ParameterValues"/>; filled by <see cref="Backward"/>.</summary>
    float[] ParameterGradients { get; }

    /// <summary>The parameters by Hugging Face name, over the two stores (for optimizers and checkpoints).</summary>
    ParameterStore Parameters { get; }

    /// <summary>Sets every parameter from its spec, deterministically from <paramref name="seed"/>, and zeroes the gradients.</summary>
    void InitializeParameters(ulong seed);

    /// <summary>Bytes of arena the bound dimensions use.</summary>
    long ArenaBytes { get; }

    /// <summary>When set, the CPU passes time each step into it.</summary>
    StepProfiler? Profiler { get; set; }

    /// <summary>Runs the forward program for the bound dimensions and returns the loss; dropout is active when <paramref name="training"/>.</summary>
    float Forward(bool training, ulong seed);

    /// <summary>Computes the gradients of the last forward pass's loss into <see cref="ParameterGradients"/>.</summary>
    void Backward();
}
