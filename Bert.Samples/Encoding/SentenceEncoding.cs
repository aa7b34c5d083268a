using System.Numerics.Tensors;

namespace Bert.Samples.Encoding;

/// <summary>
/// The encodings of one example (<c>[CLS] a [SEP]</c> or <c>[CLS] a [SEP] b [SEP]</c>, in the checkpoint's own
/// token spelling), one row per token, and its sentence embedding.
/// </summary>
public sealed record SentenceEncoding(string[] Tokens, int Hidden, float[] Values)
{

    public ReadOnlySpan<float> Row(int token) => Values.AsSpan(token * Hidden, Hidden);

    /// <summary>Position of the first token spelled <paramref name="word"/> (exactly, else ignoring case), or −1.</summary>
    public int IndexOf(string word)
    {
        int exact = Array.IndexOf(Tokens, word);
        return exact >= 0 ? exact : Array.FindIndex(Tokens, t => string.Equals(t, word, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The sentence embedding as sentence-transformers computes it: the mean of every token's encoding (special
    /// tokens included: the attention mask's valid positions), scaled to unit length.
    /// </summary>
    public float[] Embedding { get; } = MeanPooled(Tokens.Length, Hidden, Values);

    static float[] MeanPooled(int tokens, int hidden, float[] values)
    {
        var mean = new float[hidden];
        for (int t = 0; t < tokens; t++) TensorPrimitives.Add(mean, values.AsSpan(t * hidden, hidden), mean);
        float norm = TensorPrimitives.Norm<float>(mean);
        TensorPrimitives.Divide(mean, norm > 0 ? norm : 1, mean);
        return mean;
    }

    public static double Cosine(ReadOnlySpan<float> x, ReadOnlySpan<float> y) => TensorPrimitives.CosineSimilarity(x, y);
}
