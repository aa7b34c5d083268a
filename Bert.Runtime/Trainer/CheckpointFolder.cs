using Bert.Runtime.Checkpoints;
using Bert.Runtime.Training;

namespace Bert.Runtime.Trainer;

/// <summary>
/// A checkpoint folder, readable by other tools:
/// <list type="bullet">
/// <item><c>config.json</c>: HuggingFace BertConfig fields plus this project's own;</item>
/// <item><c>model.safetensors</c>: the parameters under HuggingFace <c>BertForPreTraining</c> names;</item>
/// <item><c>vocab.txt</c>: one token per line, id = line number;</item>
/// <item><c>training_state.safetensors</c> and <c>trainer_state.json</c>: parameters with Adam's moments, and the
/// step and options, so <c>--resume</c> continues exactly.</item>
/// </list>
/// The folder is written beside its destination and swapped in by renames, so an interrupted save (Ctrl-C,
/// a crash, a full disk) leaves the previous checkpoint intact.
/// </summary>
public static class CheckpointFolder
{
    public const string ConfigFile = "config.json", ModelFile = "model.safetensors", VocabularyFile = "vocab.txt",
        TrainingStateFile = "training_state.safetensors", TrainerStateFile = "trainer_state.json";

    const string StagingSuffix = ".partial", PreviousSuffix = ".previous";

    public static void Save(string folder, ParameterStore store, IOptimizerState? optimizer, string configJson,
        IEnumerable<string> vocabulary, string trainerStateJson)
    {
        string target = Path.GetFullPath(folder);
        string staging = target + StagingSuffix, previous = target + PreviousSuffix;
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        try
        {
            File.WriteAllText(Path.Combine(staging, ConfigFile), configJson);
            File.WriteAllLines(Path.Combine(staging, VocabularyFile), vocabulary);
            TrainingCheckpoint.Save(Path.Combine(staging, ModelFile), store, metadata: new Dictionary<string, string> { ["format"] = "pt" });
            if (optimizer is not null)
            {
                TrainingCheckpoint.Save(Path.Combine(staging, TrainingStateFile), store, optimizer);
                File.WriteAllText(Path.Combine(staging, TrainerStateFile), trainerStateJson);
            }
        }
        catch
        {
            Directory.Delete(staging, recursive: true);
            throw;
        }

        // Swap: target → previous, staging → target, then drop previous. A crash between the two renames
        // leaves 'previous' holding the last good checkpoint, which Resolve() finds.
        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
        if (Directory.Exists(target)) Directory.Move(target, previous);
        Directory.Move(staging, target);
        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
    }

    /// <summary>
    /// The folder to read for <paramref name="folder"/>: itself, or the previous checkpoint that an interrupted
    /// save left beside it. Throws a <see cref="UserError"/> when neither holds a model.
    /// </summary>
    public static string Resolve(string folder)
    {
        string target = Path.GetFullPath(folder);
        if (File.Exists(Path.Combine(target, ModelFile))) return target;
        if (File.Exists(Path.Combine(target + PreviousSuffix, ModelFile))) return target + PreviousSuffix;
        throw new UserError(Directory.Exists(target)
            ? $"'{target}' holds no {ModelFile}: it is not a checkpoint folder (pass the --out folder of a pretrain run)."
            : $"Checkpoint folder '{target}' does not exist.");
    }

    /// <summary>Reads a file of the checkpoint, with a clear error when it is missing.</summary>
    public static string ReadText(string folder, string file)
    {
        string path = Path.Combine(folder, file);
        return File.Exists(path) ? File.ReadAllText(path) : throw new UserError($"Checkpoint '{folder}' has no {file}.");
    }
}
