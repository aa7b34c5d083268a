using Bert.Runtime.Pretraining;
using Bert.Runtime;
using Bert.Runtime.Checkpoints;
using Bert.Runtime.Data;
using Bert.Runtime.Trainer;
using Bert.Samples.Checkpoints;
using Bert.Samples.Models;

namespace Bert.Samples.Pretraining;

/// <summary>A pretraining checkpoint folder loaded for inference: its config, vocabulary and model with weights.</summary>
public sealed class PretrainedCheckpoint : IDisposable
{
    PretrainedCheckpoint(string folder, CheckpointConfig config, Vocabulary vocabulary, IPretrainingModel model)
    {
        Folder = folder;
        Config = config;
        Vocabulary = vocabulary;
        Model = model;
    }

    public string Folder { get; }
    public CheckpointConfig Config { get; }
    public Vocabulary Vocabulary { get; }
    public IPretrainingModel Model { get; }

    public static PretrainedCheckpoint Open(string folder)
    {
        string source = CheckpointFolder.Resolve(folder);
        var config = CheckpointFolder.ReadJson(source, CheckpointFolder.ConfigFile, CheckpointJson.Default.CheckpointConfig);
        if (config.BertCompiler is null)
            throw new UserError($"'{source}' was not written by 'bert pretrain' (its config.json has no bert_compiler section).");
        var vocabulary = Vocabulary.Load(Path.Combine(source, CheckpointFolder.VocabularyFile));
        if (vocabulary.Count != config.VocabSize)
            throw new UserError($"'{source}': vocab.txt has {vocabulary.Count} tokens but config.json says vocab_size {config.VocabSize}.");

        var shape = new ModelConfig(config.NumHiddenLayers, config.HiddenSize, config.NumAttentionHeads, config.IntermediateSize);
        var model = PretrainingModels.Create(shape, config.VocabSize, config.BertCompiler.MaxLen);
        try
        {
            using var weights = SafeTensorsFile.Open(Path.Combine(source, CheckpointFolder.ModelFile));
            weights.LoadInto(model.Parameters);
            if (model.Parameters.FirstNonFinite() is { } damaged)
                throw new UserError($"'{weights.Path}' holds NaN or infinite values in {damaged}: the weights are damaged (saved by a diverged run?).");
        }
        catch (UserError)
        {
            model.Dispose();
            throw;
        }
        catch (CheckpointFormatException e)
        {
            model.Dispose();
            throw new UserError(e.Message, e);
        }
        return new PretrainedCheckpoint(source, config, vocabulary, model);
    }

    public void Dispose() => Model.Dispose();
}
