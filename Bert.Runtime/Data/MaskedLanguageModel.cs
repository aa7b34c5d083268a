using Bert.Runtime.Training;
namespace Bert.Runtime.Data;

/// <summary>
/// The masked-language-model corruption of one example row (d2l's <c>_get_mlm_data_from_tokens</c>): of the
/// positions other than &lt;cls&gt;/&lt;sep&gt;, max(1, round(0.15 · valid length)) are drawn without
/// replacement; each becomes &lt;mask&gt; (80 %), stays itself (10 %) or becomes a random vocabulary token (10 %).
/// Predicted positions are sorted; labels are the original ids; unused prediction slots have weight 0.
/// </summary>
public static class MaskedLanguageModel
{
    public const double PredictionRate = 0.15, MaskRate = 0.8, KeepRate = 0.1;

    /// <summary>Predictions for an example of <paramref name="validLen"/> tokens (never more than its candidates).</summary>
    public static int PredictionCount(int validLen) =>
        Math.Min(validLen - 3, Math.Max(1, (int)Math.Round(validLen * PredictionRate, MidpointRounding.ToEven)));

    /// <summary>
    /// Masks a row whose first <paramref name="firstLength"/>+<paramref name="secondLength"/>+3 tokens are
    /// &lt;cls&gt; a &lt;sep&gt; b &lt;sep&gt; (originals), filling the prediction rows.
    /// </summary>
    public static void Mask(Span<int> tokens, int firstLength, int secondLength, Span<int> positions, Span<int> labels,
                            Span<float> weights, ref Prng rng, Vocabulary vocabulary)
    {
        int candidates = firstLength + secondLength;
        Span<int> pool = candidates <= 512 ? stackalloc int[candidates] : new int[candidates];
        for (int i = 0; i < firstLength; i++) pool[i] = 1 + i;
        for (int i = 0; i < secondLength; i++) pool[firstLength + i] = firstLength + 2 + i;

        // Partial Fisher–Yates: the first `count` entries become a uniform sample without replacement.
        int count = PredictionCount(candidates + 3);
        for (int i = 0; i < count; i++)
        {
            int j = i + rng.NextInt(candidates - i);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
        Span<int> chosen = pool[..count];
        chosen.Sort();

        for (int t = 0; t < count; t++)
        {
            int position = chosen[t], original = tokens[position];
            double draw = rng.NextDouble();
            tokens[position] = draw < MaskRate ? vocabulary.MaskId
                : draw < MaskRate + KeepRate ? original
                : rng.NextInt(vocabulary.Count);
            positions[t] = position;
            labels[t] = original;
            weights[t] = 1f;
        }
        positions[count..].Clear();
        labels[count..].Clear();
        weights[count..].Clear();
    }

    /// <summary>Puts the original tokens back at the predicted positions (before re-masking).</summary>
    public static void Unmask(Span<int> tokens, ReadOnlySpan<int> positions, ReadOnlySpan<int> labels, ReadOnlySpan<float> weights)
    {
        for (int t = 0; t < positions.Length && weights[t] != 0; t++) tokens[positions[t]] = labels[t];
    }
}
