using Bert.Runtime.Checkpoints;
using Bert.Runtime.Trainer;
using Bert.Runtime.Training;

namespace Bert.Runtime.Tests.Trainer;

public sealed class CheckpointFolderTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("bert-ckpt-").FullName;

    static ParameterStore Store(float fill)
    {
        var store = ParameterStore.Layout([
            new ParameterDeclaration("bert.embeddings.word_embeddings.weight", [4, 3], Initializer.Normal(0.02f), true),
            new ParameterDeclaration("bert.embeddings.LayerNorm.bias", [3], Initializer.Zeros, false)]);
        store.Values.AsSpan().Fill(fill);
        return store;
    }

    [Fact]
    public void Saves_config_vocabulary_model_and_training_state_that_load_back()
    {
        string folder = Path.Combine(root, "run");
        var store = Store(0.5f);
        var optimizer = AdamOptimizer.Adam(store);
        store.Grads.AsSpan().Fill(1f);
        optimizer.Update(0.1f);
        CheckpointFolder.Save(folder, store, optimizer, "{\"hidden_size\":3}", ["<unk>", "a"], "{\"step\":1}");

        Assert.Equal("{\"hidden_size\":3}", CheckpointFolder.ReadText(folder, CheckpointFolder.ConfigFile));
        Assert.Equal(["<unk>", "a"], File.ReadAllLines(Path.Combine(folder, CheckpointFolder.VocabularyFile)));
        var loaded = Store(0f);
        var loadedOptimizer = AdamOptimizer.Adam(loaded);
        TrainingCheckpoint.Load(Path.Combine(folder, CheckpointFolder.TrainingStateFile), loaded, loadedOptimizer);
        for (int i = 0; i < store.Parameters.Count; i++) Assert.Equal(store.Value(i).ToArray(), loaded.Value(i).ToArray());
        Assert.Equal(optimizer.ExportState().SecondMoment, loadedOptimizer.ExportState().SecondMoment);
        using var model = SafeTensorsFile.Open(Path.Combine(folder, CheckpointFolder.ModelFile));
        Assert.Equal(["bert.embeddings.word_embeddings.weight", "bert.embeddings.LayerNorm.bias"], model.Tensors.Select(t => t.Name));
    }

    [Fact]
    public void Overwriting_replaces_the_folder_and_leaves_no_staging_behind()
    {
        string folder = Path.Combine(root, "run");
        CheckpointFolder.Save(folder, Store(1f), null, "{}", ["a"], "{}");
        CheckpointFolder.Save(folder, Store(2f), null, "{}", ["a"], "{}");
        var loaded = Store(0f);
        TrainingCheckpoint.Load(Path.Combine(folder, CheckpointFolder.ModelFile), loaded);
        Assert.All(loaded.Value(0).ToArray(), v => Assert.Equal(2f, v));
        Assert.Equal(["run"], Directory.GetDirectories(root).Select(Path.GetFileName));
    }

    [Fact]
    public void A_failed_save_leaves_the_previous_checkpoint_intact()
    {
        string folder = Path.Combine(root, "run");
        CheckpointFolder.Save(folder, Store(1f), null, "{\"v\":1}", ["a"], "{}");
        // A vocabulary that throws part-way stands in for Ctrl-C or a full disk during the write.
        IEnumerable<string> Failing() { yield return "a"; throw new IOException("disk full"); }
        var error = Assert.Throws<UserError>(() => CheckpointFolder.Save(folder, Store(2f), null, "{\"v\":2}", Failing(), "{}"));
        Assert.Contains("disk full", error.Message);
        Assert.Contains("previous checkpoint there is intact", error.Message);
        Assert.Equal("{\"v\":1}", CheckpointFolder.ReadText(CheckpointFolder.Resolve(folder), CheckpointFolder.ConfigFile));
        Assert.Equal(["run"], Directory.GetDirectories(root).Select(Path.GetFileName));
    }

    [Fact]
    public void A_crash_between_the_renames_is_recovered_from_the_previous_folder()
    {
        string folder = Path.Combine(root, "run");
        CheckpointFolder.Save(folder, Store(1f), null, "{\"v\":1}", ["a"], "{}");
        Directory.Move(folder, folder + ".previous"); // the state right after the first rename
        Assert.Equal(folder + ".previous", CheckpointFolder.Resolve(folder));
    }

    [Fact]
    public void A_save_after_a_crash_between_the_renames_keeps_the_previous_checkpoint_until_the_new_one_is_in()
    {
        string folder = Path.Combine(root, "run");
        CheckpointFolder.Save(folder, Store(1f), null, "{\"v\":1}", ["a"], "{}");
        Directory.Move(folder, folder + ".previous");
        IEnumerable<string> Failing() { yield return "a"; throw new IOException("disk full"); }
        Assert.Throws<UserError>(() => CheckpointFolder.Save(folder, Store(2f), null, "{\"v\":2}", Failing(), "{}"));
        Assert.Equal("{\"v\":1}", CheckpointFolder.ReadText(CheckpointFolder.Resolve(folder), CheckpointFolder.ConfigFile));
        CheckpointFolder.Save(folder, Store(2f), null, "{\"v\":2}", ["a"], "{}");
        Assert.Equal("{\"v\":2}", CheckpointFolder.ReadText(CheckpointFolder.Resolve(folder), CheckpointFolder.ConfigFile));
        Assert.Equal(["run"], Directory.GetDirectories(root).Select(Path.GetFileName));
    }

    [Fact]
    public void A_folder_of_someone_elses_files_is_refused_and_left_as_it_was()
    {
        string folder = Path.Combine(root, "data");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "wiki.train.tokens"), "precious");
        var save = Assert.Throws<UserError>(() => CheckpointFolder.Save(folder, Store(1f), null, "{}", ["a"], "{}"));
        var preflight = Assert.Throws<UserError>(() => CheckpointFolder.Preflight(folder, 1));
        Assert.All([save, preflight], e => Assert.Contains("did not write", e.Message));
        Assert.Equal("precious", File.ReadAllText(Path.Combine(folder, "wiki.train.tokens")));
        Assert.Equal(["data"], Directory.GetFileSystemEntries(root).Select(Path.GetFileName));
    }

    [Fact]
    public void A_user_folder_named_like_the_staging_folder_is_not_deleted()
    {
        string folder = Path.Combine(root, "run");
        Directory.CreateDirectory(folder + ".partial");
        File.WriteAllText(Path.Combine(folder + ".partial", "notes.txt"), "mine");
        Assert.Throws<UserError>(() => CheckpointFolder.Save(folder, Store(1f), null, "{}", ["a"], "{}"));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(folder + ".partial", "notes.txt")));
    }

    [Fact]
    public void A_file_a_link_or_a_root_as_the_folder_is_refused()
    {
        string file = Path.Combine(root, "file");
        File.WriteAllText(file, "x");
        Assert.Contains("is a file", Assert.Throws<UserError>(() => CheckpointFolder.Preflight(file, 1)).Message);
        string link = Path.Combine(root, "link");
        Directory.CreateSymbolicLink(link, root);
        Assert.Contains("symbolic link", Assert.Throws<UserError>(() => CheckpointFolder.Preflight(link, 1)).Message);
        Assert.Contains("root", Assert.Throws<UserError>(() => CheckpointFolder.Preflight("/", 1)).Message);
        Assert.Equal("x", File.ReadAllText(file));
    }

    [Fact]
    public void An_empty_folder_or_our_own_checkpoint_is_accepted_and_a_huge_checkpoint_is_refused_for_space()
    {
        string empty = Path.Combine(root, "empty");
        Directory.CreateDirectory(empty);
        CheckpointFolder.Preflight(empty, 1);
        CheckpointFolder.Save(empty, Store(1f), null, "{}", ["a"], "{}");
        Assert.True(CheckpointFolder.IsCheckpoint(empty));
        CheckpointFolder.Preflight(empty, 1);
        var error = Assert.Throws<UserError>(() => CheckpointFolder.Preflight(empty, long.MaxValue / 2));
        Assert.Contains("free", error.Message);
        Assert.Empty(Directory.GetFiles(root));
    }

    [Fact]
    public void Extra_files_are_saved_with_the_checkpoint_and_a_users_file_inside_it_blocks_the_next_save()
    {
        string folder = Path.Combine(root, "run");
        CheckpointFolder.Save(folder, Store(1f), null, "{}", ["a"], "{}", new Dictionary<string, string> { ["loss.svg"] = "<svg/>" });
        Assert.Equal("<svg/>", File.ReadAllText(Path.Combine(folder, "loss.svg")));
        CheckpointFolder.Save(folder, Store(2f), null, "{}", ["a"], "{}", new Dictionary<string, string> { ["loss.svg"] = "<svg/>" });

        File.WriteAllText(Path.Combine(folder, "my-notes.txt"), "mine");
        var error = Assert.Throws<UserError>(() => CheckpointFolder.Preflight(folder, 1));
        Assert.Contains("my-notes.txt", error.Message);
        Assert.Throws<UserError>(() => CheckpointFolder.Save(folder, Store(3f), null, "{}", ["a"], "{}"));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(folder, "my-notes.txt")));
        using var model = SafeTensorsFile.Open(Path.Combine(folder, CheckpointFolder.ModelFile));
        Assert.Equal(2f, model.ReadFloats("bert.embeddings.LayerNorm.bias")[0]);
    }

    [Fact]
    public void Damaged_json_files_are_user_errors_naming_the_file()
    {
        string folder = Path.Combine(root, "json");
        Directory.CreateDirectory(folder);
        foreach (string text in new[] { "", "  ", "{", "null", "[1]", "{\"step\": \"x\"}" })
        {
            File.WriteAllText(Path.Combine(folder, "state.json"), text);
            var error = Assert.Throws<UserError>(() => CheckpointFolder.ReadJson(folder, "state.json", ProbeJson.Default.Probe));
            Assert.Contains(Path.Combine(folder, "state.json"), error.Message);
        }
        File.Delete(Path.Combine(folder, "state.json"));
        Directory.CreateDirectory(Path.Combine(folder, "state.json"));
        Assert.Contains("is a folder", Assert.Throws<UserError>(() => CheckpointFolder.ReadText(folder, "state.json")).Message);
    }

    [Fact]
    public void Resolving_a_folder_without_a_model_is_a_user_error()
    {
        var error = Assert.Throws<UserError>(() => CheckpointFolder.Resolve(root));
        Assert.Contains("not a checkpoint folder", error.Message);
        Assert.Contains("does not exist", Assert.Throws<UserError>(() => CheckpointFolder.Resolve(Path.Combine(root, "nope"))).Message);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}

public sealed record Probe([property: System.Text.Json.Serialization.JsonPropertyName("step")] int Step);

[System.Text.Json.Serialization.JsonSerializable(typeof(Probe))]
public sealed partial class ProbeJson : System.Text.Json.Serialization.JsonSerializerContext;
