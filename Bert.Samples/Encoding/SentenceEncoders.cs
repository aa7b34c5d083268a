using System.Text.Json;
using Bert.Runtime;
using Bert.Runtime.Trainer;
using Bert.Samples.Finetuning;
using Bert.Samples.Models;
using Bert.Samples.Pretraining;

namespace Bert.Samples.Encoding;

/// <summary>Opens a checkpoint folder for <c>bert encode</c>: our pretraining's with its word-level encoder, any other BERT with the compiled classifier of its shape.</summary>
public static class SentenceEncoders
{
    public static ISentenceEncoder Open(string folder)
    {
        string source = CheckpointFolder.Resolve(folder);
        if (IsPretraining(source)) return new PretrainedEncoder(PretrainedCheckpoint.Open(source));
        var (model, vocabulary, notes) = HfCheckpoint.Import(source, seed: 0);
        // The task head is not part of the encoder.
        return new ClassifierEncoder(model, vocabulary, [.. notes.Where(n => !n.StartsWith("The classifier", StringComparison.Ordinal))]);
    }

    /// <summary>Whether config.json's bert_compiler.model names one of the compiled pretraining models.</summary>
    static bool IsPretraining(string folder)
    {
        string path = Path.Combine(folder, CheckpointFolder.ConfigFile), text = CheckpointFolder.ReadText(folder, CheckpointFolder.ConfigFile);
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("bert_compiler", out var settings) && settings.ValueKind == JsonValueKind.Object
                && settings.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String
                && CompiledModels.Pretraining.Any(m => m.ClassName == model.GetString());
        }
        catch (JsonException e)
        {
            throw new UserError($"'{path}' is damaged: {e.Message}", e);
        }
    }
}
