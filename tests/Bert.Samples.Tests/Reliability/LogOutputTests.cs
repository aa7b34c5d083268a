using Bert.Samples.Cli;
using Bert.Tests;

namespace Bert.Samples.Tests.Reliability;

/// <summary>
/// Output that reads well in a log file: with its streams redirected (and TERM set, as in most shells) the program
/// writes no escape codes, wraps no line, and shows a long run's progress as plain lines; a bug is one line and
/// exit 70, its stack trace only with --verbose.
/// </summary>
[Trait("Category", "Slow")]
public sealed class LogOutputTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("bert-log-").FullName;

    [Fact]
    public void A_redirected_error_has_no_escape_codes_and_stays_on_one_line()
    {
        string deep = Path.Combine(root, new string('d', 120), "file.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(deep)!);
        File.WriteAllText(deep, "x");
        var run = CliProcess.Run("pretrain", "--data", SharedData.WikiText2, "--out", deep);
        Assert.Equal(2, run.ExitCode);
        Assert.DoesNotContain('\u001b', run.Error);
        Assert.Single(run.Error.TrimEnd().Split('\n'), line => line.Contains(deep));
    }

    [Fact]
    public void A_redirected_run_logs_plain_progress_lines_and_results()
    {
        var run = CliProcess.Run("pretrain", "--data", SharedData.WikiText2, "--batch", "4", "--max-len", "32", "--steps", "20",
            "--eval-batches", "1", "--out", Path.Combine(root, "run"));
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.DoesNotContain('\u001b', run.Out + run.Error);
        var progress = run.Error.Split('\n').Where(l => l.StartsWith("step ", StringComparison.Ordinal)).ToList();
        Assert.InRange(progress.Count, 2, 12);   // one per tenth of the run, not one per step
        Assert.EndsWith("(100 %)", progress[^1].TrimEnd());
        Assert.Contains("MLM loss", run.Out);
    }

    [Fact]
    public void An_unexpected_exception_is_one_line_and_exit_70_with_the_stack_only_when_verbose()
    {
        foreach (bool verbose in new[] { false, true })
        {
            var error = new StringWriter();
            int code = UserErrors.Run(Terminal.Capture(new StringWriter(), error), () => throw new InvalidOperationException("boom"), verbose);
            Assert.Equal(UserErrors.InternalErrorExitCode, code);
            Assert.Contains("internal error (InvalidOperationException): boom", error.ToString());
            Assert.Equal(verbose, error.ToString().Contains("   at ", StringComparison.Ordinal));
            if (!verbose) Assert.Contains("--verbose", error.ToString());
        }
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
