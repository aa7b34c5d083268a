using Bert.Runtime.Checkpoints;
using Bert.Runtime.Trainer;
using Bert.Tests;

namespace Bert.Samples.Tests.Reliability;

/// <summary>
/// What a user's files and a long run can count on, at the level a user meets it (the CLI in-process, or as a
/// process receiving signals): nothing the program did not write is moved or deleted, what the end of a run needs
/// is checked before its first step, a signal stops the run with a checkpoint that resumes bit for bit, and a disk
/// that fills up during the run keeps the last checkpoint.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PretrainSafetyTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("bert-safety-").FullName;

    static string[] Pretrain(string data, string output, int steps, params string[] extra) => [
        "pretrain", "--data", data, "--batch", "4", "--max-len", "32", "--steps", steps.ToString(), "--out", output,
        .. extra.Contains("--eval-batches") ? [] : new[] { "--eval-batches", "1" }, .. extra];

    static void AssertRefusedBeforeWork(CliRun run, string expected)
    {
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Error}");
        Assert.Contains(expected, run.Error);
        Assert.DoesNotContain("step 1", run.Error);
    }

    [Fact]
    public void A_folder_of_the_users_files_as_out_is_refused_and_left_as_it_was()
    {
        string mine = Path.Combine(root, "mine");
        Directory.CreateDirectory(Path.Combine(mine, "sub"));
        File.WriteAllText(Path.Combine(mine, "notes.txt"), "mine");
        File.WriteAllText(Path.Combine(mine, "sub", "data.bin"), "also mine");

        AssertRefusedBeforeWork(CliRun.Of(Pretrain(SharedData.WikiText2, mine, 2)), "did not write");
        Assert.Equal("mine", File.ReadAllText(Path.Combine(mine, "notes.txt")));
        Assert.Equal("also mine", File.ReadAllText(Path.Combine(mine, "sub", "data.bin")));
        Assert.Equal(["mine"], Directory.GetFileSystemEntries(root).Select(Path.GetFileName));
    }

    [Fact]
    public void The_data_folder_itself_as_out_is_refused_and_keeps_its_files()
    {
        string data = CopyOfWikiText2("data");
        var before = Directory.GetFiles(data).Select(f => (Path.GetFileName(f), new FileInfo(f).Length)).Order().ToList();
        AssertRefusedBeforeWork(CliRun.Of(Pretrain(data, data, 2)), "did not write");
        Assert.Equal(before, Directory.GetFiles(data).Select(f => (Path.GetFileName(f), new FileInfo(f).Length)).Order().ToList());
        Assert.False(Directory.Exists(data + ".previous"));
    }

    [Fact]
    public void A_users_file_inside_an_old_checkpoint_blocks_its_replacement()
    {
        string run = Path.Combine(root, "run");
        Assert.Equal(0, CliRun.Of(Pretrain(SharedData.WikiText2, run, 1)).ExitCode);
        Assert.Equal(0, CliRun.Of(Pretrain(SharedData.WikiText2, run, 1)).ExitCode);   // our own checkpoint: replaced
        File.WriteAllText(Path.Combine(run, "results.md"), "my notes");
        AssertRefusedBeforeWork(CliRun.Of(Pretrain(SharedData.WikiText2, run, 1)), "results.md");
        Assert.Equal("my notes", File.ReadAllText(Path.Combine(run, "results.md")));
    }

    [Fact]
    public void An_out_that_is_a_file_or_cannot_be_created_is_refused_before_the_first_step()
    {
        string file = Path.Combine(root, "file.txt");
        File.WriteAllText(file, "keep");
        AssertRefusedBeforeWork(CliRun.Of(Pretrain(SharedData.WikiText2, file, 2)), "is a file");
        Assert.Equal("keep", File.ReadAllText(file));
        AssertRefusedBeforeWork(CliRun.Of(Pretrain(SharedData.WikiText2, Path.Combine(file, "run"), 2)), "file.txt");
        AssertRefusedBeforeWork(CliRun.Of(Pretrain(SharedData.WikiText2, "/proc/bert-cannot-write/run", 2)), "Cannot write");
        AssertRefusedBeforeWork(CliRun.Of(Pretrain(SharedData.WikiText2, "", 2)), "is empty");
        AssertRefusedBeforeWork(CliRun.Of(Pretrain(SharedData.WikiText2, Path.Combine(root, "new"), 2, "--resume", Path.Combine(root, "absent"))), "does not exist");
    }

    [Fact]
    public void Missing_or_damaged_validation_data_is_found_before_the_first_step()
    {
        string data = CopyOfWikiText2("novalid");
        File.Delete(Path.Combine(data, "wiki.valid.tokens"));
        AssertRefusedBeforeWork(CliRun.Of(Pretrain(data, Path.Combine(root, "out"), 2)), "wiki.valid.tokens");
        Assert.False(Directory.Exists(Path.Combine(root, "out")));

        foreach (byte[] damaged in new[] { Array.Empty<byte>(), [0xff, 0xfe, 0x98], "no sentences here\n"u8.ToArray() })
        {
            File.WriteAllBytes(Path.Combine(data, "wiki.valid.tokens"), damaged);
            AssertRefusedBeforeWork(CliRun.Of(Pretrain(data, Path.Combine(root, "out"), 2)), "wiki.valid.tokens");
            Assert.False(Directory.Exists(Path.Combine(root, "out")));
        }
        // Without an evaluation the validation file is not needed.
        Assert.Equal(0, CliRun.Of(Pretrain(data, Path.Combine(root, "out"), 2, "--eval-batches", "0")).ExitCode);
    }

    [SmallDiskFact]
    public void A_disk_without_room_for_the_checkpoint_is_found_before_the_first_step()
    {
        using var disk = new SmallDisk(megabytes: 8);
        AssertRefusedBeforeWork(CliRun.Of(Pretrain(SharedData.WikiText2, Path.Combine(disk.Folder, "run"), 2)), "free");
    }

    [SmallDiskFact]
    public void A_disk_that_fills_up_during_the_run_keeps_the_last_checkpoint_resumable()
    {
        using var disk = new SmallDisk(megabytes: 400);
        string run = Path.Combine(disk.Folder, "run");
        using (var training = CliProcess.Start(Pretrain(SharedData.WikiText2, run, 100_000, "--checkpoint-every", "2")))
        {
            WaitFor(() => File.Exists(Path.Combine(run, CheckpointFolder.TrainerStateFile)), training);
            disk.Fill();
            // The next --checkpoint-every save meets the full disk and ends the run; a SIGTERM stops one that has not got there.
            if (!training.HasExitedWithin(TimeSpan.FromSeconds(30))) training.Signal(CliProcess.SigTerm);
            var stopped = training.WaitForExit(TimeSpan.FromMinutes(2));
            Assert.True(stopped.ExitCode == 2, $"exit {stopped.ExitCode}: {stopped.Error}");
            Assert.Contains("intact", stopped.Error);
        }
        File.Delete(Path.Combine(disk.Folder, "filler"));
        int step = SavedStep(run);
        var resumed = CliRun.Of(Pretrain(SharedData.WikiText2, run, step + 2, "--resume", run));
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(step + 2, SavedStep(run));
    }

    [Fact]
    public void Sigterm_stops_at_a_step_boundary_with_a_checkpoint_that_resumes_bit_for_bit()
    {
        const int steps = 120;
        string interrupted = Path.Combine(root, "interrupted"), straight = Path.Combine(root, "straight");
        using (var training = CliProcess.Start(Pretrain(SharedData.WikiText2, interrupted, steps)))
        {
            training.WaitForError("step 1/", TimeSpan.FromMinutes(2));
            training.Signal(CliProcess.SigTerm);
            var stopped = training.WaitForExit(TimeSpan.FromMinutes(2));
            Assert.True(stopped.ExitCode == 143, $"exit {stopped.ExitCode}: {stopped.Error}");
            Assert.Contains($"--resume {interrupted}", stopped.Error);
        }
        Assert.InRange(SavedStep(interrupted), 1, steps - 1);

        var resumed = CliRun.Of(Pretrain(SharedData.WikiText2, interrupted, steps, "--resume", interrupted));
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(0, CliRun.Of(Pretrain(SharedData.WikiText2, straight, steps)).ExitCode);
        using var a = SafeTensorsFile.Open(Path.Combine(straight, CheckpointFolder.ModelFile));
        using var b = SafeTensorsFile.Open(Path.Combine(interrupted, CheckpointFolder.ModelFile));
        foreach (var tensor in a.Tensors)
            Assert.True(a.Bytes(tensor.Name).SequenceEqual(b.Bytes(tensor.Name)), $"{tensor.Name} differs after the interrupted run resumed");
    }

    [Fact]
    public void Sighup_stops_like_sigterm_with_its_own_exit_code()
    {
        string run = Path.Combine(root, "hup");
        using var training = CliProcess.Start(Pretrain(SharedData.WikiText2, run, 100_000, "--eval-batches", "0"));
        training.WaitForError("step 1/", TimeSpan.FromMinutes(2));
        training.Signal(CliProcess.SigHup);
        var stopped = training.WaitForExit(TimeSpan.FromMinutes(2));
        Assert.True(stopped.ExitCode == 129, $"exit {stopped.ExitCode}: {stopped.Error}");
        Assert.InRange(SavedStep(run), 1, 99_999);
    }

    [Fact]
    public void An_exploding_loss_is_reported_as_divergence_not_success()
    {
        var run = CliRun.Of(Pretrain(SharedData.WikiText2, Path.Combine(root, "boom"), 30, "--lr", "1e6"));
        Assert.True(run.ExitCode == 3, $"exit {run.ExitCode}: {run.Error}");
        Assert.Matches(@"diverged at step \d+: the (MLM|NSP) loss", run.Error);
        Assert.Contains("--lr", run.Error);
    }

    static int SavedStep(string folder)
    {
        using var state = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, CheckpointFolder.TrainerStateFile)));
        return state.RootElement.GetProperty("step").GetInt32();
    }

    static void WaitFor(Func<bool> condition, CliProcess process)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"timed out: {process.Error}");
            Thread.Sleep(20);
        }
    }

    string CopyOfWikiText2(string name)
    {
        string copy = Path.Combine(root, name);
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.GetFiles(SharedData.WikiText2, "wiki.*.tokens"))
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        return copy;
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
