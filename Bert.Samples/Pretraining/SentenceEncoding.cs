using Bert.Runtime;
using Bert.Runtime.Data;

namespace Bert.Samples.Pretraining;

/// <summary>The encodings of one example: <c>&lt;cls&gt; a &lt;sep&gt;</c> or <c>&lt;cls&gt; a &lt;sep&gt; b &lt;sep&gt;</c>, one row per token.</summary>
public sealed record SentenceEncoding(string[] Tokens, int Hidden, float[] Values)
{
    public ReadOnlySpan<float> Row(int token) => Values.AsSpan(token * Hidden, Hidden);

    /// <summary>Position of the first occurrence of <paramref name="word"/>, or −1.</summary>
    public int IndexOf(string word) => Array.IndexOf(Tokens, word.ToLowerInvariant());

    /// <summary>Tokenizes like the pretraining data (lower case, whitespace) and runs the encoder, as d2l's get_bert_encoding.</summary>
    public static SentenceEncoding Of(PretrainedCheckpoint checkpoint, string first, string? second)
    {
        var vocabulary = checkpoint.Vocabulary;
        string[] a = WordTokenizer.Split(first.ToLowerInvariant()), b = second is null ? [] : WordTokenizer.Split(second.ToLowerInvariant());
        if (a.Length == 0) throw new UserError("The first sentence is empty.");
        if (second is not null && b.Length == 0) throw new UserError("The second sentence is empty.");
        var tokens = new List<string> { Vocabulary.Classify };
        tokens.AddRange(a);
        tokens.Add(Vocabulary.Separator);
        var segments = Enumerable.Repeat(0, tokens.Count).ToList();
        if (second is not null)
        {
            tokens.AddRange(b);
            tokens.Add(Vocabulary.Separator);
            segments.AddRange(Enumerable.Repeat(1, b.Length + 1));
        }
        int maxLen = checkpoint.Config.BertCompiler.MaxLen;
        int positions = checkpoint.Config.MaxPositionEmbeddings;
        if (tokens.Count > positions)
            throw new UserError($"The example has {tokens.Count} tokens; the model has {positions} positions (trained with max_len {maxLen}).");
        int[] ids = tokens.Select(t => vocabulary[t.AsSpan()]).ToArray();
        var encodings = checkpoint.Model.Encode(ids, segments.ToArray()).ToArray();
        return new SentenceEncoding([.. tokens], encodings.Length / tokens.Count, encodings);
    }

    public static double Cosine(ReadOnlySpan<float> x, ReadOnlySpan<float> y) =>
        System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(x, y);
}
