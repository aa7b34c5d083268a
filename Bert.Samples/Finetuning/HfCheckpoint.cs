using System.Text.Json;
using Bert.Runtime;
using Bert.Runtime.Checkpoints;
using Bert.Runtime.Trainer;
using Bert.Runtime.Training;
using Bert.Samples.Checkpoints;
using Bert.Samples.Models;

namespace Bert.Samples.Finetuning;

/// <summary>
/// Import and export of BERT checkpoints in the HuggingFace layout: a folder with <c>config.json</c> (BertConfig),
/// <c>model.safetensors</c> and <c>vocab.txt</c>. Tensors are named as in <c>BertForPreTraining</c> /
/// <c>BertForSequenceClassification</c> (<c>bert.*</c>, <c>cls.*</c>, <c>classifier.*</c>) or, as <c>BertModel</c>
/// saves them, without the <c>bert.</c> prefix.
/// </summary>
public static class HfCheckpoint
{
    const string ModelPrefix = "bert.";

    /// <summary>
    /// Opens the checkpoint in <paramref name="folder"/>, creates the compiled classifier matching its config and
    /// loads its weights. The pretraining heads (<c>cls.*</c>) are ignored; a missing classifier (new task head) and
    /// a missing embedding LayerNorm (our pretraining has none) keep their initialization, each with a note.
    /// </summary>
    public static (PairClassifier Model, CheckpointVocabulary Vocabulary, List<string> Notes) Import(string folder, ulong seed)
    {
        string source = CheckpointFolder.Resolve(folder);
        string config = CheckpointFolder.ReadText(source, CheckpointFolder.ConfigFile), configName = $"'{Path.Combine(source, CheckpointFolder.ConfigFile)}'";
        var (shape, vocab) = BertShape.Parse(config, configName);
        var vocabulary = CheckpointVocabulary.LoadFolder(source);
        if (vocabulary.Lines.Length != vocab)
            throw new UserError($"'{source}': config.json says vocab_size {vocab} but the vocabulary has {vocabulary.Lines.Length} tokens.");

        var model = FinetuningModels.Create(shape, vocab);
        try
        {
            model.Initialize(seed);
            model.Pooling = SentencePoolings.FromConfig(config, configName) ?? FinetuneSettings.DefaultPooling;
            using var file = SafeTensorsFile.Open(Path.Combine(source, CheckpointFolder.ModelFile));
            var notes = LoadWeights(file, model.Parameters);
            if (model.Parameters.FirstNonFinite() is { } damaged)
                throw new UserError($"'{file.Path}' holds NaN or infinite values in {damaged}: the weights are damaged (saved by a diverged run?).");
            if (vocabulary.IsWordLevel) notes.Add($"Tokenizing with the {vocabulary.Describe()}.");
            return (model, vocabulary, notes);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Copies every parameter of <paramref name="store"/> from <paramref name="file"/> by name; returns notes on the
    /// parameters left at their initialization. Throws a <see cref="CheckpointMismatchException"/> naming the missing,
    /// unexpected and mis-shaped tensors.
    /// </summary>
    public static List<string> LoadWeights(SafeTensorsFile file, ParameterStore store)
    {
        // BertModel saves "embeddings.*", "encoder.*", "pooler.*": read those under "bert.".
        bool bare = !file.Tensors.Any(t => t.Name.StartsWith(ModelPrefix, StringComparison.Ordinal));
        string FileName(string name) => bare && name.StartsWith(ModelPrefix, StringComparison.Ordinal) ? name[ModelPrefix.Length..] : name;

        var missing = new List<string>();
        var mismatched = new List<string>();
        var initialized = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in store.Parameters)
        {
            string name = FileName(p.Name);
            if (!file.Contains(name))
            {
                if (MayBeMissing(p.Name)) initialized.Add(p.Name);
                else missing.Add(name);
                continue;
            }
            used.Add(name);
            var t = file[name];
            if (!t.Shape.AsSpan().SequenceEqual(p.Shape) || t.DType is not (SafeTensorDType.F32 or SafeTensorDType.F16 or SafeTensorDType.BF16))
                mismatched.Add($"{name}: checkpoint {t.ShapeText} {t.DType}, model {p.ShapeText} F32");
        }
        var unexpected = file.Tensors.Select(t => t.Name).Where(n => !used.Contains(n) && !Ignored(n)).ToList();
        if (missing.Count + unexpected.Count + mismatched.Count > 0)
            throw new CheckpointMismatchException(file.Path, missing, unexpected, mismatched);

        for (int i = 0; i < store.Parameters.Count; i++)
            if (used.Contains(FileName(store.Parameters[i].Name))) file.ReadFloats(FileName(store.Parameters[i].Name), store.Value(i));

        var notes = new List<string>();
        if (initialized.Any(n => n.StartsWith("classifier.", StringComparison.Ordinal)))
            notes.Add("The classifier (new task head) starts from its initialization.");
        if (initialized.Any(n => n.StartsWith("bert.embeddings.LayerNorm.", StringComparison.Ordinal)))
            notes.Add("The checkpoint has no embedding LayerNorm (our pretraining adds the embeddings without one): " +
                      "it starts at gamma 1, beta 0, which normalizes the embedding sum and lets fine-tuning learn its scale.");
        return notes;
    }

    /// <summary>Left at their initialization when absent: the task head, and the embedding LayerNorm our pretraining lacks.</summary>
    static bool MayBeMissing(string name) =>
        name.StartsWith("classifier.", StringComparison.Ordinal) || name.StartsWith("bert.embeddings.LayerNorm.", StringComparison.Ordinal);

    /// <summary>The pretraining heads, and the position-id buffer older HuggingFace versions save.</summary>
    static bool Ignored(string name) =>
        name.StartsWith("cls.", StringComparison.Ordinal) || name.EndsWith("embeddings.position_ids", StringComparison.Ordinal);

    /// <summary>
    /// Writes <paramref name="model"/> as a BertForSequenceClassification checkpoint folder, its pooling in
    /// bert_compiler.pooling (HuggingFace's class pools [CLS]; a mean-pooled classifier keeps its logits in this
    /// project and in its ONNX export).
    /// </summary>
    public static void Export(string folder, PairClassifier model, CheckpointVocabulary vocabulary, int maxLen)
    {
        var s = model.Shape;
        var config = new CheckpointConfig(["BertForSequenceClassification"], "bert", s.Hidden, s.Layers, s.Heads, s.FfnHidden,
            s.Activation, s.MaxPositions, s.TypeVocab, vocabulary.Lines.Length, s.LayerNormEps, (double)(decimal)model.Dropout, (double)(decimal)model.Dropout,
            new CompilerSettings(model.Name, maxLen, vocabulary.IsWordLevel ? "word-level" : "wordpiece", EmbeddingLayerNorm: true, model.Pooling.Name()));
        CheckpointFolder.Save(folder, model.Parameters, optimizer: null,
            JsonSerializer.Serialize(config, CheckpointJson.Default.CheckpointConfig), vocabulary.Lines, trainerStateJson: "",
            vocabulary.TokenizerConfigFile(s.MaxPositions));
    }
}
