using Bert.Runtime.Gpu;
using Bert.Runtime.Data;
using Bert.Runtime.Execution;
using Bert.Runtime.Training;

namespace Bert.Runtime.Pretraining;

/// <summary>
/// What the pretraining loop needs of a compiled BERT (MLM + NSP): its parameters, a way to load a batch,
/// a forward pass that returns both losses, a backward pass that fills the gradients, and the logits for
/// evaluation. Each generated model gets a small adapter implementing it (Bert.Samples/Models). The passes run on
/// the host, or on a GPU after <see cref="UseDevice"/>; the trainer's <see cref="TrainingBackend"/> follows.
/// </summary>
public interface IPretrainingModel : IDisposable
{
    /// <summary>
    /// All trainable parameters and their gradients, contiguous. On a GPU, the host copy is current only after
    /// <see cref="TrainingBackend.DownloadParameters"/>.
    /// </summary>
    ParameterStore Parameters { get; }

    /// <summary>The GPU session the passes run on, or null while they run on the host.</summary>
    GpuSession? Gpu { get; }

    /// <summary>
    /// Runs every later pass on <paramref name="device"/>: for <c>cuda:N</c> or <c>gpu-sim</c>, opens a session there
    /// (loading the model's kernels, GEMMs at <paramref name="options"/>' precision) and uploads the current
    /// parameters; for <c>cpu</c>, nothing changes. Throws <see cref="Cuda.CudaUnavailableException"/> when CUDA is missing.
    /// </summary>
    void UseDevice(DeviceSpec device, GpuOptions options);

    /// <summary>Short description for logs and checkpoints, e.g. "2 layers, 128 hidden, 2 heads, FFN 256".</summary>
    string Describe();

    /// <summary>Draws every parameter from its initializer, deterministically from <paramref name="seed"/>.</summary>
    void Initialize(ulong seed);

    /// <summary>Copies one batch into the model's inputs (binding batch, sequence and prediction sizes).</summary>
    void Load(in PretrainingBatch batch);

    /// <summary>Runs the forward pass; dropout is active only when <paramref name="training"/>.</summary>
    PretrainingLosses Forward(bool training, float dropout, ulong seed);

    /// <summary>Fills <see cref="ParameterStore.Grads"/> with the gradient of the last forward's total loss.</summary>
    void Backward();

    /// <summary>
    /// Runs the encoder without dropout on one example (token and segment ids) and returns its encodings,
    /// [tokens × hidden]; valid until the next call.
    /// </summary>
    ReadOnlySpan<float> Encode(ReadOnlySpan<int> tokens, ReadOnlySpan<int> segments);

    /// <summary>
    /// MLM logits of the last forward, one row of vocabulary size per real prediction slot (weight &gt; 0) of the
    /// batch, in slot order: [real slots × vocabulary] (downloaded on a GPU).
    /// </summary>
    ReadOnlySpan<float> MlmLogits { get; }

    /// <summary>NSP logits of the last forward: [batch × 2] (downloaded on a GPU).</summary>
    ReadOnlySpan<float> NspLogits { get; }

    /// <summary>When set, forward and backward time each of their steps into it.</summary>
    StepProfiler? Profiler { get; set; }
}

/// <summary>The two pretraining losses: weighted MLM cross-entropy (over real prediction slots) and mean NSP cross-entropy.</summary>
public readonly record struct PretrainingLosses(float Mlm, float Nsp)
{
    public float Total => Mlm + Nsp;
}
