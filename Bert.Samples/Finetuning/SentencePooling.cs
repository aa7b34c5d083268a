using System.Text.Json;
using Bert.Runtime;

namespace Bert.Samples.Finetuning;

/// <summary>
/// What the classifier's pooler reads: HuggingFace's BertForSequenceClassification takes the [CLS] token's
/// encoding; sentence-transformers models (all-MiniLM-L6-v2 and kin) were trained on the mean over a sentence's
/// tokens, and their [CLS] pooler never was.
/// </summary>
public enum SentencePooling
{
    Cls,
    Mean,
}

public static class SentencePoolings
{
    /// <summary>The name the CLI and config.json use: "cls" or "mean".</summary>
    public static string Name(this SentencePooling pooling) => pooling == SentencePooling.Mean ? "mean" : "cls";

    /// <summary>Reads "cls" or "mean" (any case); anything else is a <see cref="UserError"/> naming <paramref name="source"/>.</summary>
    public static SentencePooling Parse(string text, string source) => text.Trim().ToLowerInvariant() switch
    {
        "cls" => SentencePooling.Cls,
        "mean" => SentencePooling.Mean,
        _ => throw new UserError($"{source} is '{text}'; the pooling is cls (the [CLS] token) or mean (the mean of the tokens)."),
    };

    /// <summary>The pooling a checkpoint's config.json names under bert_compiler.pooling, or null where it names none.</summary>
    public static SentencePooling? FromConfig(string configJson, string source)
    {
        using var document = JsonDocument.Parse(configJson);
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("bert_compiler", out var settings) || settings.ValueKind != JsonValueKind.Object
            || !settings.TryGetProperty("pooling", out var pooling) || pooling.ValueKind == JsonValueKind.Null)
            return null;
        return pooling.ValueKind == JsonValueKind.String
            ? Parse(pooling.GetString()!, $"{source}: bert_compiler.pooling")
            : throw new UserError($"{source}: bert_compiler.pooling is {pooling.GetRawText()}; it must be \"cls\" or \"mean\".");
    }

    /// <summary>
    /// Writes the pooler's weights [batch, tokens] of a packed batch: 1 on each sequence's first token
    /// (<see cref="SentencePooling.Cls"/>) or 1/length on each of its tokens (<see cref="SentencePooling.Mean"/>), 0 elsewhere.
    /// </summary>
    public static void WriteWeights(this SentencePooling pooling, ReadOnlySpan<int> firstRows, ReadOnlySpan<int> validLens, int tokens, Span<float> weights)
    {
        weights.Clear();
        for (int b = 0; b < firstRows.Length; b++)
        {
            var row = weights.Slice(b * tokens + firstRows[b], pooling == SentencePooling.Mean ? validLens[b] : 1);
            row.Fill(1f / row.Length);
        }
    }
}
