using Bert.Runtime;
using Bert.Runtime.Data;
using Bert.Runtime.Gpu;
using Bert.Samples.Pretraining;

namespace Bert.Samples.Encoding;

/// <summary>A <c>bert pretrain</c> checkpoint: word-level tokens, lower-cased and split on whitespace, as d2l's get_bert_encoding.</summary>
public sealed class PretrainedEncoder(PretrainedCheckpoint checkpoint) : ISentenceEncoder
{
    public string Description => $"{checkpoint.Config.BertCompiler.Model} pretrained checkpoint, word-level vocabulary of {checkpoint.Vocabulary.Count:N0} tokens";

    public IReadOnlyList<string> Notes => [];

    public void UseDevice(DeviceSpec device, GpuOptions options) => checkpoint.Model.UseDevice(device, options);

    public SentenceEncoding Encode(string first, string? second)
    {
        string[] a = WordTokenizer.Split(first.ToLowerInvariant()), b = second is null ? [] : WordTokenizer.Split(second.ToLowerInvariant());
        if (a.Length == 0) throw new UserError("The first sentence is empty.");
        if (second is not null && b.Length == 0) throw new UserError("The second sentence is empty.");
        string[] tokens = [Vocabulary.Classify, .. a, Vocabulary.Separator, .. second is null ? [] : b.Append(Vocabulary.Separator)];
        int[] segments = [.. Enumerable.Repeat(0, a.Length + 2), .. Enumerable.Repeat(1, tokens.Length - a.Length - 2)];
        int positions = checkpoint.Config.MaxPositionEmbeddings;
        if (tokens.Length > positions)
            throw new UserError($"The example has {tokens.Length} tokens; the model has {positions} positions (trained with max_len {checkpoint.Config.BertCompiler.MaxLen}).");
        int[] ids = [.. tokens.Select(t => checkpoint.Vocabulary[t.AsSpan()])];
        var encodings = checkpoint.Model.Encode(ids, segments).ToArray();
        return new SentenceEncoding(tokens, encodings.Length / tokens.Length, encodings);
    }

    public void Dispose() => checkpoint.Dispose();
}
