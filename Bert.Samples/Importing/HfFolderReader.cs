using System.Text.Json;
using Bert.Runtime;
using Bert.Runtime.Checkpoints;
using Bert.Runtime.Trainer;
using Bert.Samples.Finetuning;
using Bert.Samples.Models;

namespace Bert.Samples.Importing;

/// <summary>
/// Reads a HuggingFace BERT folder (config.json, model.safetensors, vocab.txt or tokenizer.json) of any shape: every tensor as float32,
/// the bare BertModel names (embeddings.*, encoder.*, pooler.*) under <c>bert.</c>, the position-id buffer dropped.
/// </summary>
static class HfFolderReader
{
    public static (ImportedBert Model, CheckpointVocabulary Vocabulary) Read(string folder)
    {
        string source = Path.GetFullPath(folder);
        if (!File.Exists(Path.Combine(source, CheckpointFolder.ModelFile)))
            throw new UserError($"'{source}' holds no {CheckpointFolder.ModelFile}: pass a HuggingFace BERT folder (config.json, model.safetensors, vocab.txt or tokenizer.json) or an .onnx file.");
        string configText = CheckpointFolder.ReadText(source, CheckpointFolder.ConfigFile);
        var (shape, vocab) = BertShape.Parse(configText, $"'{Path.Combine(source, CheckpointFolder.ConfigFile)}'");
        var vocabulary = CheckpointVocabulary.LoadFolder(source);

        using var file = SafeTensorsFile.Open(Path.Combine(source, CheckpointFolder.ModelFile));
        bool bare = !file.Tensors.Any(t => t.Name.StartsWith("bert.", StringComparison.Ordinal));
        var tensors = new List<ImportedTensor>();
        foreach (var t in file.Tensors.Where(t => !t.Name.EndsWith("position_ids", StringComparison.Ordinal)))
        {
            if (t.DType is not (SafeTensorDType.F32 or SafeTensorDType.F16 or SafeTensorDType.BF16))
                throw new UserError($"'{file.Path}': tensor '{t.Name}' is {t.DType}; a BERT checkpoint's weights are F32, F16 or BF16.");
            string name = bare && !t.Name.StartsWith("cls.", StringComparison.Ordinal) && !t.Name.StartsWith("classifier.", StringComparison.Ordinal) ? "bert." + t.Name : t.Name;
            tensors.Add(new ImportedTensor(name, t.Shape, file.ReadFloats(t.Name)));
        }
        var pooling = SentencePoolings.FromConfig(configText, $"'{Path.Combine(source, CheckpointFolder.ConfigFile)}'");
        return (new ImportedBert(shape, vocab, tensors, Architectures(configText), source, pooling), vocabulary);
    }

    static string[] Architectures(string configText)
    {
        using var document = JsonDocument.Parse(configText);
        return document.RootElement.TryGetProperty("architectures", out var list) && list.ValueKind == JsonValueKind.Array
            ? [.. list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)]
            : ["BertModel"];
    }
}
