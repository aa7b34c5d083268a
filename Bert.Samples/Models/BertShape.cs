using System.Text.Json;
using Bert.Runtime;

namespace Bert.Samples.Models;

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
            if (root.ValueKind != JsonValueKind.Object) throw new UserError($"{source} is not a JSON object: it is not a BERT config.json.");
            int Int(string name, int? fallback, int min = 1)
            {
                if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
                    return fallback ?? throw new UserError($"{source} has no \"{name}\": it is not a BERT config.json.");
                if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int value))
                    throw new UserError($"{source}: \"{name}\" is {v.GetRawText()}, not a whole number.");
                return value >= min ? value : throw new UserError($"{source}: \"{name}\" is {value}; it must be at least {min}.");
            }
            string activation = "gelu";
            if (root.TryGetProperty("hidden_act", out var act) && act.ValueKind != JsonValueKind.Null)
                activation = act.ValueKind == JsonValueKind.String ? act.GetString()! : throw new UserError($"{source}: \"hidden_act\" is {act.GetRawText()}, not a name such as \"gelu\".");
            double eps = 1e-12;
            if (root.TryGetProperty("layer_norm_eps", out var e) && e.ValueKind != JsonValueKind.Null)
                eps = e.ValueKind == JsonValueKind.Number && e.GetDouble() is > 0 and < 1 ? e.GetDouble()
                    : throw new UserError($"{source}: \"layer_norm_eps\" is {e.GetRawText()}; it must be a number between 0 and 1.");
            var shape = new BertShape(
                Int("num_hidden_layers", null), Int("hidden_size", null), Int("num_attention_heads", null), Int("intermediate_size", null),
                activation, eps, Int("max_position_embeddings", 512), Int("type_vocab_size", 2));
            if (shape.Hidden % shape.Heads != 0)
                throw new UserError($"{source}: hidden_size {shape.Hidden} is not a multiple of num_attention_heads {shape.Heads}.");
            return (shape, Int("vocab_size", null, min: 5));
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
