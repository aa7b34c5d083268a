using System.Text.Json.Serialization;

namespace Bert.Samples.Checkpoints;

/// <summary>
/// <c>config.json</c> of a checkpoint: HuggingFace <c>BertConfig</c> fields (so other tools read the shapes),
/// plus this project's own under <c>bert_compiler</c>.
/// </summary>
public sealed record CheckpointConfig(
    [property: JsonPropertyName("architectures")] string[] Architectures,
    [property: JsonPropertyName("model_type")] string ModelType,
    [property: JsonPropertyName("hidden_size")] int HiddenSize,
    [property: JsonPropertyName("num_hidden_layers")] int NumHiddenLayers,
    [property: JsonPropertyName("num_attention_heads")] int NumAttentionHeads,
    [property: JsonPropertyName("intermediate_size")] int IntermediateSize,
    [property: JsonPropertyName("hidden_act")] string HiddenAct,
    [property: JsonPropertyName("max_position_embeddings")] int MaxPositionEmbeddings,
    [property: JsonPropertyName("type_vocab_size")] int TypeVocabSize,
    [property: JsonPropertyName("vocab_size")] int VocabSize,
    [property: JsonPropertyName("layer_norm_eps")] double LayerNormEps,
    [property: JsonPropertyName("hidden_dropout_prob")] double HiddenDropoutProb,
    [property: JsonPropertyName("attention_probs_dropout_prob")] double AttentionProbsDropoutProb,
    [property: JsonPropertyName("bert_compiler")] CompilerSettings BertCompiler);

/// <summary>
/// What HuggingFace's config has no field for: the compiled model class, the data settings and, for a fine-tuned
/// classifier, its pooling ("cls" or "mean"; null for pretraining checkpoints).
/// </summary>
public sealed record CompilerSettings(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("max_len")] int MaxLen,
    [property: JsonPropertyName("vocabulary")] string Vocabulary,
    [property: JsonPropertyName("embedding_layer_norm")] bool EmbeddingLayerNorm,
    [property: JsonPropertyName("pooling"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Pooling = null);

/// <summary>
/// <c>trainer_state.json</c>: where a run stands, for <c>--resume</c>, and its loss history for the plot.
/// </summary>
public sealed record TrainerState(
    [property: JsonPropertyName("step")] int Step,
    [property: JsonPropertyName("seed")] ulong Seed,
    [property: JsonPropertyName("data_seed")] ulong DataSeed,
    [property: JsonPropertyName("history")] LossPoint[] History);

public sealed record LossPoint(
    [property: JsonPropertyName("step")] int Step,
    [property: JsonPropertyName("mlm")] float Mlm,
    [property: JsonPropertyName("nsp")] float Nsp);

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(CheckpointConfig))]
[JsonSerializable(typeof(TrainerState))]
sealed partial class CheckpointJson : JsonSerializerContext;
