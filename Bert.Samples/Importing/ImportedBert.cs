using System.Text.Json;
using Bert.Runtime;
using Bert.Runtime.Trainer;
using Bert.Runtime.Training;
using Bert.Samples.Checkpoints;
using Bert.Samples.Finetuning;
using Bert.Samples.Models;
using Bert.Samples.Pretraining;

namespace Bert.Samples.Importing;

/// <summary>One weight under its HuggingFace BERT name, row-major float32.</summary>
public sealed record ImportedTensor(string Name, int[] Shape, float[] Values);

/// <summary>
/// A BERT read from another format (an ONNX export, a HuggingFace folder): its shape, vocabulary size and weights
/// under HuggingFace names, ready to be written as this project's checkpoint folder.
/// </summary>
/// <param name="Pooling">A fine-tuned classifier's pooling (config.json's bert_compiler.pooling, or read from an ONNX graph); null where none is named.</param>
public sealed record ImportedBert(BertShape Shape, int Vocab, IReadOnlyList<ImportedTensor> Tensors, string[] Architectures, string Source,
    SentencePooling? Pooling = null)
{
    /// <summary>The compiled classifier of this shape, or null when this build compiled none.</summary>
    public CompiledModel<ICompiledPairClassifier>? CompiledClassifier => CompiledModels.Classifiers.FirstOrDefault(c => c.Shape.Matches(Shape));

    /// <summary>
    /// Writes the checkpoint folder (config.json with BertConfig fields, model.safetensors, vocab.txt) through
    /// <see cref="CheckpointFolder.Save"/>; the vocabulary must have <see cref="Vocab"/> tokens.
    /// </summary>
    public void Save(string folder, CheckpointVocabulary vocabulary)
    {
        if (vocabulary.Lines.Length != Vocab)
            throw new UserError($"'{Source}' embeds {Vocab} tokens but the vocabulary has {vocabulary.Lines.Length}: it belongs to another model.");
        var store = ParameterStore.Layout(Tensors.Select(t => new ParameterDeclaration(t.Name, t.Shape, Initializer.Zeros, Decay: false)));
        foreach (var t in Tensors) t.Values.CopyTo(store.Value(t.Name));
        var s = Shape;
        var config = new CheckpointConfig(Architectures, "bert", s.Hidden, s.Layers, s.Heads, s.FfnHidden, s.Activation, s.MaxPositions,
            s.TypeVocab, Vocab, s.LayerNormEps, HiddenDropoutProb: 0.1, AttentionProbsDropoutProb: 0.1,
            new CompilerSettings(CompiledClassifier?.ClassName ?? "", s.MaxPositions, vocabulary.IsWordLevel ? "word-level" : "wordpiece", EmbeddingLayerNorm: true,
                Pooling?.Name()));
        CheckpointFolder.Preflight(folder, CheckpointFolder.EstimateBytes(store.ParameterCount, withOptimizer: false, Vocab));
        CheckpointFolder.Save(folder, store, optimizer: null, JsonSerializer.Serialize(config, CheckpointJson.Default.CheckpointConfig),
            vocabulary.Lines, trainerStateJson: "", vocabulary.TokenizerConfigFile(s.MaxPositions));
    }
}
