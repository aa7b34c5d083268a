using System.Buffers.Binary;
using Bert.Runtime.Trainer;
using Bert.Tests;

namespace Bert.Samples.Tests.Reliability;

/// <summary>A small checkpoint written once for the damage tests, which each damage a copy of it.</summary>
public sealed class GoodCheckpoint : IDisposable
{
    public GoodCheckpoint()
    {
        var run = CliRun.Of(DamagedCheckpointTests.Pretrain(Folder, steps: 2));
        if (run.ExitCode != 0) throw new InvalidOperationException(run.Error);
    }

    public string Root { get; } = Directory.CreateTempSubdirectory("bert-damage-").FullName;
    public string Folder => Path.Combine(Root, "good");

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

/// <summary>
/// Every damaged file of a checkpoint folder (missing, empty, truncated, not JSON, JSON of the wrong types, null or
/// absurd fields, a folder in a file's place, NaN weights) given to <c>pretrain --resume</c>, <c>encode</c> or
/// <c>finetune</c> is one line naming that file and exit 2, never a stack trace, and changes nothing.
/// </summary>
[Trait("Category", "Slow")]
public sealed class DamagedCheckpointTests(GoodCheckpoint good) : IClassFixture<GoodCheckpoint>
{
    public static string[] Pretrain(string output, int steps, params string[] extra) => [
        "pretrain", "--data", SharedData.WikiText2, "--batch", "4", "--max-len", "32", "--steps", steps.ToString(),
        "--eval-batches", "0", "--out", output, .. extra];

    static readonly Dictionary<string, Action<string>> Damages = new()
    {
        ["missing"] = File.Delete,
        ["empty"] = path => File.WriteAllBytes(path, []),
        ["truncated"] = path => File.WriteAllBytes(path, File.ReadAllBytes(path)[..(int)(new FileInfo(path).Length / 2)]),
        ["a folder"] = path => { File.Delete(path); Directory.CreateDirectory(path); },
        ["random bytes"] = path => File.WriteAllBytes(path, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 37 + 11))]),
        ["JSON null"] = path => File.WriteAllText(path, "null"),
        ["JSON of the wrong types"] = path => File.WriteAllText(path, """{"step": "two", "hidden_size": "big", "num_hidden_layers": [2], "vocab_size": {}}"""),
        ["absurd fields"] = path => File.WriteAllText(path, File.ReadAllText(path)
            .Replace("\"step\": 2", "\"step\": -5").Replace("\"hidden_size\": 128", "\"hidden_size\": -128")
            .Replace("\"bert_compiler\": {", "\"bert_compiler_was\": {")),
        ["NaN weights"] = WriteNaN,
    };

    public static TheoryData<string, string, string> Cases()
    {
        var cases = new TheoryData<string, string, string>();
        string[] resumeDamages = ["missing", "empty", "truncated", "a folder", "random bytes", "JSON null", "JSON of the wrong types", "absurd fields"];
        foreach (string damage in resumeDamages)
        {
            cases.Add("resume", CheckpointFolder.TrainerStateFile, damage);
            cases.Add("resume", CheckpointFolder.ConfigFile, damage);
            cases.Add("encode", CheckpointFolder.ConfigFile, damage);
            cases.Add("finetune", CheckpointFolder.ConfigFile, damage);
        }
        foreach (string damage in new[] { "missing", "empty", "truncated", "a folder", "random bytes" })
        {
            cases.Add("resume", CheckpointFolder.TrainingStateFile, damage);
            cases.Add("encode", CheckpointFolder.ModelFile, damage);
            cases.Add("finetune", CheckpointFolder.ModelFile, damage);
            cases.Add("encode", CheckpointFolder.VocabularyFile, damage);
            cases.Add("finetune", CheckpointFolder.VocabularyFile, damage);
        }
        cases.Add("resume", CheckpointFolder.TrainingStateFile, "NaN weights");
        cases.Add("encode", CheckpointFolder.ModelFile, "NaN weights");
        cases.Add("finetune", CheckpointFolder.ModelFile, "NaN weights");
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_damaged_file_is_one_line_naming_it_and_exit_2(string command, string file, string damage)
    {
        string folder = Path.Combine(good.Root, $"{command}-{file}-{damage}".Replace(' ', '-'));
        CopyFolder(good.Folder, folder);
        Damages[damage](Path.Combine(folder, file));
        var before = Snapshot(folder);

        var run = CliRun.Of(command switch
        {
            "resume" => Pretrain(folder, 4, "--resume", folder),
            "encode" => ["encode", "--checkpoint", folder, "a crane is flying"],
            _ => ["finetune", "--checkpoint", folder, "--data", SharedData.Mrpc, "--max-steps", "1", "--out", folder + "-tuned"],
        });
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Error}");
        Assert.Contains(file, run.Error);
        Assert.DoesNotContain("internal error", run.Error);
        Assert.DoesNotContain("   at ", run.Error);
        Assert.Equal(before, Snapshot(folder));
    }

    [Fact]
    public void A_vocabulary_listing_a_word_twice_is_refused()
    {
        string folder = Path.Combine(good.Root, "twice");
        CopyFolder(good.Folder, folder);
        string vocab = Path.Combine(folder, CheckpointFolder.VocabularyFile);
        var lines = File.ReadAllLines(vocab);
        lines[^1] = lines[^2];
        File.WriteAllLines(vocab, lines);
        foreach (var run in new[] { CliRun.Of("encode", "--checkpoint", folder, "a crane"),
                     CliRun.Of("finetune", "--checkpoint", folder, "--data", SharedData.Mrpc, "--max-steps", "1", "--out", folder + "-tuned") })
        {
            Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Error}");
            Assert.Contains("twice", run.Error.Replace("more than once", "twice"));
        }
    }

    [Fact]
    public void Finetuning_into_the_checkpoint_it_reads_is_refused_and_keeps_it()
    {
        string folder = Path.Combine(good.Root, "self");
        CopyFolder(good.Folder, folder);
        var before = Snapshot(folder);
        var run = CliRun.Of("finetune", "--checkpoint", folder, "--data", SharedData.Mrpc, "--max-steps", "1", "--out", folder + "/");
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Error}");
        Assert.Contains("the checkpoint being fine-tuned", run.Error);
        Assert.Equal(before, Snapshot(folder));
    }

    [Fact]
    public void Encoding_a_word_the_example_lacks_is_refused()
    {
        var run = CliRun.Of("encode", "--checkpoint", good.Folder, "a crane is flying", "--word", "heron");
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Error}");
        Assert.Contains("'heron' is not a token", run.Error);
    }

    /// <summary>Sets the first weight of the first tensor to NaN (safetensors: 8-byte header length, JSON header, data).</summary>
    static void WriteNaN(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        long header = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan((int)(8 + header)), float.NaN);
        File.WriteAllBytes(path, bytes);
    }

    static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }

    static List<(string, long)> Snapshot(string folder) =>
        [.. Directory.GetFileSystemEntries(folder).Order().Select(e => (Path.GetFileName(e), File.Exists(e) ? new FileInfo(e).Length : -1))];
}
