using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
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
/// step and options, so <c>--resume</c> continues exactly;</item>
/// <item><c>.bert-checkpoint</c>: the marker that says this program wrote the folder.</item>
/// </list>
/// Only a folder this program wrote (or an empty one) is ever replaced: anything else is refused before any work.
/// A new checkpoint is written beside its destination, flushed to disk, and only then swapped in by renames, so an
/// interrupted save (a signal, a crash, a full disk) leaves the previous checkpoint intact.
/// </summary>
public static class CheckpointFolder
{
    public const string ConfigFile = "config.json", ModelFile = "model.safetensors", VocabularyFile = "vocab.txt",
        TrainingStateFile = "training_state.safetensors", TrainerStateFile = "trainer_state.json", MarkerFile = ".bert-checkpoint";

    const string StagingSuffix = ".partial", PreviousSuffix = ".previous",
        MarkerHeader = "# Written by Bert.Compiler; the next save replaces this folder. Its files:";

    /// <summary>
    /// Checks, before any work, that <paramref name="folder"/> can receive a checkpoint of about
    /// <paramref name="bytes"/> bytes: it is not a file, not a folder of someone else's files, its parent is writable
    /// and its file system has the room. Throws a <see cref="UserError"/> saying what to change; writes nothing that stays.
    /// </summary>
    public static void Preflight(string folder, long bytes)
    {
        string target = RequireReplaceable(folder);
        RequireReplaceable(target + StagingSuffix);
        RequireReplaceable(target + PreviousSuffix);
        string parent = Path.GetDirectoryName(target) ?? target;
        try
        {
            Directory.CreateDirectory(parent);
            string probe = Path.Combine(parent, $".bert-write-probe-{Environment.ProcessId}");
            File.WriteAllBytes(probe, [0]);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserError(name => $"Cannot write the checkpoint into '{parent}': {e.Message} Choose another {name(Setting.CheckpointFolder)}.", e);
        }
        long free = FreeBytes(parent);
        if (free >= 0 && free < bytes)
            throw new UserError(name => $"'{parent}' has {Megabytes(free)} free; the checkpoint needs {Megabytes(bytes)}. Free some space or choose another {name(Setting.CheckpointFolder)}.");
    }

    /// <summary>The bytes a checkpoint of <paramref name="parameters"/> fp32 parameters takes: the model, and with an optimizer its two moments and a second copy of the weights.</summary>
    public static long EstimateBytes(long parameters, bool withOptimizer, int vocabularySize) =>
        parameters * sizeof(float) * (withOptimizer ? 4 : 1) + (long)vocabularySize * 32 + (1 << 20);

    /// <summary>
    /// Writes the checkpoint into <paramref name="folder"/>, replacing the one there (only if this program wrote it).
    /// <paramref name="extraFiles"/> (e.g. a loss plot: name → text) are written with it, so they too are swapped in whole.
    /// </summary>
    public static void Save(string folder, ParameterStore store, IOptimizerState? optimizer, string configJson,
        IEnumerable<string> vocabulary, string trainerStateJson, IReadOnlyDictionary<string, string>? extraFiles = null)
    {
        string target = RequireReplaceable(folder);
        string staging = RequireReplaceable(target + StagingSuffix), previous = RequireReplaceable(target + PreviousSuffix);
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        try
        {
            Directory.CreateDirectory(staging);
            File.WriteAllText(Path.Combine(staging, ConfigFile), configJson);
            File.WriteAllLines(Path.Combine(staging, VocabularyFile), vocabulary);
            TrainingCheckpoint.Save(Path.Combine(staging, ModelFile), store, metadata: new Dictionary<string, string> { ["format"] = "pt" });
            if (optimizer is not null)
            {
                TrainingCheckpoint.Save(Path.Combine(staging, TrainingStateFile), store, optimizer);
                File.WriteAllText(Path.Combine(staging, TrainerStateFile), trainerStateJson);
            }
            foreach (var (name, text) in extraFiles ?? new Dictionary<string, string>())
                File.WriteAllText(Path.Combine(staging, RequireFileName(name)), text);
            // The marker lists what this save wrote: the next save replaces the folder only while it holds nothing else.
            File.WriteAllLines(Path.Combine(staging, MarkerFile),
                [MarkerHeader, .. Directory.EnumerateFiles(staging).Select(Path.GetFileName).Order(StringComparer.Ordinal)!]);
            foreach (string file in Directory.EnumerateFiles(staging)) FlushToDisk(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            long needed = EstimateBytes(store.ParameterCount, optimizer is not null, 0);
            TryDelete(staging);
            throw new UserError($"Could not write the checkpoint '{target}': {e.Message} " +
                $"It needs about {Megabytes(needed)}; '{Path.GetDirectoryName(target)}' has {Megabytes(FreeBytes(Path.GetDirectoryName(target) ?? target))} free. " +
                (Directory.Exists(target) ? "The previous checkpoint there is intact." : "Nothing was written."), e);
        }

        // Swap: target → previous, staging → target, then drop previous. A crash between the two renames
        // leaves 'previous' holding the last good checkpoint, which Resolve() finds and this swap puts back first.
        if (!Directory.Exists(target) && Directory.Exists(previous)) Directory.Move(previous, target);
        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
        if (Directory.Exists(target)) Directory.Move(target, previous);
        Directory.Move(staging, target);
        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
    }

    /// <summary>
    /// Whether this program wrote <paramref name="folder"/>: it has the marker, or (older versions, which wrote none)
    /// a model and a config with our section.
    /// </summary>
    public static bool IsCheckpoint(string folder)
    {
        if (File.Exists(Path.Combine(folder, MarkerFile))) return true;
        string config = Path.Combine(folder, ConfigFile);
        if (!File.Exists(Path.Combine(folder, ModelFile)) || !File.Exists(config)) return false;
        try
        {
            return new FileInfo(config).Length < (1 << 20) && File.ReadAllText(config).Contains("\"bert_compiler\"", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// What in <paramref name="folder"/> (a checkpoint, <see cref="IsCheckpoint"/>) this program did not write: entries
    /// the marker does not list (older checkpoints: anything but the files they had), which a replacing save would delete.
    /// </summary>
    static List<string> ForeignEntries(string folder)
    {
        string marker = Path.Combine(folder, MarkerFile);
        var own = new HashSet<string>(StringComparer.Ordinal) { MarkerFile };
        if (File.Exists(marker)) own.UnionWith(File.ReadLines(marker).Skip(1));
        else own.UnionWith([ConfigFile, ModelFile, VocabularyFile, TrainingStateFile, TrainerStateFile, "loss.svg"]);
        return [.. Directory.EnumerateFileSystemEntries(folder).Select(e => Path.GetFileName(e)).Where(name => !own.Contains(name)).Order(StringComparer.Ordinal)];
    }

    static string RequireFileName(string name) =>
        name == Path.GetFileName(name) && name is not ("" or "." or ".." or MarkerFile) ? name
            : throw new ArgumentException($"'{name}' is not a plain file name for a checkpoint folder.", nameof(name));

    /// <summary>
    /// The full path of <paramref name="folder"/>, if this program may replace it: absent, an empty folder, or a
    /// checkpoint it wrote. Anything else (a file, a folder of other files, a link to one) is refused and left alone.
    /// </summary>
    static string RequireReplaceable(string folder)
    {
        if (string.IsNullOrWhiteSpace(folder)) throw new UserError(name => $"The checkpoint folder ({name(Setting.CheckpointFolder)}) is empty; name a folder.");
        string target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        if (Path.GetDirectoryName(target) is null)
            throw new UserError($"'{target}' is a file system root; choose a new folder for the checkpoint.");
        var info = new FileInfo(target);
        if (info.Exists || (info.LinkTarget is not null && !Directory.Exists(target)))
            throw new UserError(name => $"'{target}' is a file, not a checkpoint folder; nothing was changed. Choose a new folder for {name(Setting.CheckpointFolder)}.");
        if (Directory.Exists(target) && new DirectoryInfo(target).LinkTarget is not null)
            throw new UserError(name => $"'{target}' is a symbolic link; nothing was changed. Give the folder it points to, or a new folder, as {name(Setting.CheckpointFolder)}.");
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            if (!IsCheckpoint(target))
                throw new UserError(name => $"'{target}' exists and holds files this program did not write; nothing was changed. " +
                    $"Choose a new or empty folder for {name(Setting.CheckpointFolder)} (an existing one is replaced only if it is a checkpoint folder written by bert).");
            if (ForeignEntries(target) is [_, ..] foreign)
                throw new UserError(name => $"Checkpoint folder '{target}' also holds {string.Join(", ", foreign.Take(5))}{(foreign.Count > 5 ? ", ..." : "")}, " +
                    $"which this program did not write and a new checkpoint would replace; nothing was changed. Move them out, or choose another {name(Setting.CheckpointFolder)}.");
        }
        return target;
    }

    static void FlushToDisk(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
        stream.Flush(flushToDisk: true);
    }

    static void TryDelete(string folder)
    {
        try { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    static long FreeBytes(string folder)
    {
        try { return new DriveInfo(Path.GetFullPath(folder)).AvailableFreeSpace; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { return -1; }
    }

    static string Megabytes(long bytes) => bytes < 0 ? "an unknown amount" : $"{bytes / (1024.0 * 1024.0):F1} MiB";

    /// <summary>
    /// The folder to read for <paramref name="folder"/>: itself, or the previous checkpoint that an interrupted
    /// save left beside it. Throws a <see cref="UserError"/> when neither holds a model.
    /// </summary>
    public static string Resolve(string folder)
    {
        if (string.IsNullOrWhiteSpace(folder)) throw new UserError("The checkpoint folder is empty; name the folder of a checkpoint.");
        string target = Path.GetFullPath(folder);
        if (File.Exists(Path.Combine(target, ModelFile))) return target;
        if (File.Exists(Path.Combine(target + PreviousSuffix, ModelFile))) return target + PreviousSuffix;
        throw new UserError(name => Directory.Exists(target)
            ? $"'{target}' holds no {ModelFile}: it is not a checkpoint folder (pass the folder a pretraining run wrote as its {name(Setting.CheckpointFolder)})."
            : $"Checkpoint folder '{target}' does not exist.");
    }

    /// <summary>Reads a file of the checkpoint, with a clear error when it is missing, unreadable or not a file.</summary>
    public static string ReadText(string folder, string file)
    {
        string path = Path.Combine(folder, file);
        if (Directory.Exists(path)) throw new UserError($"'{path}' is a folder; a checkpoint's {file} must be a file.");
        if (!File.Exists(path)) throw new UserError($"Checkpoint '{folder}' has no {file}.");
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserError($"Cannot read '{path}': {e.Message}", e);
        }
    }

    /// <summary>
    /// Reads a JSON file of the checkpoint as <typeparamref name="T"/>; empty, malformed or mistyped JSON (or
    /// <c>null</c>) is a <see cref="UserError"/> naming the file and the field.
    /// </summary>
    public static T ReadJson<T>(string folder, string file, JsonTypeInfo<T> type) where T : class
    {
        string path = Path.Combine(folder, file), text = ReadText(folder, file);
        if (string.IsNullOrWhiteSpace(text)) throw new UserError($"'{path}' is empty: the checkpoint is damaged.");
        try
        {
            return JsonSerializer.Deserialize(text, type) ?? throw new UserError($"'{path}' holds null: the checkpoint is damaged.");
        }
        catch (JsonException e)
        {
            throw new UserError($"'{path}' is damaged: {e.Message}", e);
        }
    }
}
