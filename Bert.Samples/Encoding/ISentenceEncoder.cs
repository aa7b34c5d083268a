using Bert.Runtime;
using Bert.Runtime.Gpu;

namespace Bert.Samples.Encoding;

/// <summary>A checkpoint loaded for <c>bert encode</c>: tokenizes an example its own way and runs its encoder (eval mode).</summary>
public interface ISentenceEncoder : IDisposable
{
    /// <summary>The model and vocabulary, for the log.</summary>
    string Description { get; }

    /// <summary>Notes on how the checkpoint was read (e.g. its tokenizer).</summary>
    IReadOnlyList<string> Notes { get; }

    /// <summary>Moves the encoder to <paramref name="device"/> (for <c>cpu</c>, nothing changes).</summary>
    void UseDevice(DeviceSpec device, GpuOptions options);

    /// <summary>Encodes one sentence, or a pair when <paramref name="second"/> is given.</summary>
    SentenceEncoding Encode(string first, string? second);
}
