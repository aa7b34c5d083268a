using System.Text.Json;
using Bert.Runtime;

namespace Bert.Samples.Finetuning;

/// <summary>
/// What a compiled model must match in a HuggingFace <c>config.json</c> (BertConfig): the encoder's shape, its
/// activation and LayerNorm epsilon, and the embedding tables. Missing fields take BertConfig's defaults.
/// </summary>
public sealed record BertShape(
    int Layers, int Hidden, int Heads, int FfnHidden, string Activation, double LayerNormEps, int MaxPositions, int TypeVocab)
{
    /// <summary>Reads the fields of <paramref name="json"/>; <paramref name="source"/> names it in error messages.</summary>
    public static (BertShape Shape, int Vocab) Parse(string json, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            int Int(string name, int? fallback) =>
                root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32()
                : fallback ?? throw new UserError($"{source} has no \"{name}\": it is not a BERT config.json.");
            var shape = new BertShape(
                Int("num_hidden_layers", null), Int("hidden_size", null), Int("num_attention_heads", null), Int("intermediate_size", null),
                root.TryGetProperty("hidden_act", out var act) ? act.GetString() ?? "gelu" : "gelu",
                root.TryGetProperty("layer_norm_eps", out var eps) ? eps.GetDouble() : 1e-12,
                Int("max_position_embeddings", 512), Int("type_vocab_size", 2));
            return (shape, Int("vocab_size", null));
        }
        catch (JsonException e)
        {
            throw new UserError($"{source} is not valid JSON: {e.Message}");
        }
    }

    /// <summary>Same shape; epsilons compare with a relative tolerance (JSON round-trips 1e-12 as a double).</summary>
    public bool Matches(BertShape other) =>
        this with { LayerNormEps = 0 } == other with { LayerNormEps = 0 }
        && Math.Abs(LayerNormEps - other.LayerNormEps) <= 1e-3 * Math.Max(LayerNormEps, other.LayerNormEps);

    public override string ToString() =>
        $"{Layers} layers, {Hidden} hidden, {Heads} heads, FFN {FfnHidden} {Activation}, LayerNorm eps {LayerNormEps:G3}, {MaxPositions} positions";
}
