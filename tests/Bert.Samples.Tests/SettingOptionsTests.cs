using System.CommandLine;
using Bert.Runtime;
using Bert.Samples.Cli;
using Bert.Tests;

namespace Bert.Samples.Tests;

/// <summary>The CLI words the runtime's messages about settings with its own option names.</summary>
public class SettingOptionsTests
{
    [Fact]
    public void Every_setting_is_named_after_an_option_of_the_pretrain_command()
    {
        var pretrain = App.Build(Terminal.Capture(new StringWriter(), new StringWriter())).Subcommands.Single(c => c.Name == "pretrain");
        var options = pretrain.Options.Select(o => o.Name).ToHashSet();
        foreach (var setting in Enum.GetValues<Setting>())
            Assert.True(options.Contains(SettingOptions.Name(setting)), $"{setting} is worded as {SettingOptions.Name(setting)}, which pretrain does not take");
    }

    [Fact]
    public void A_runtime_error_about_a_setting_prints_the_option_name()
    {
        var run = CliRun.Of("pretrain", "--data", SharedData.WikiText2, "--steps", "10", "--warmup", "11", "--out", Path.Combine(Path.GetTempPath(), "bert-never-written"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--warmup is 11; it must be between 0 and --steps (10).", run.Error);
        Assert.DoesNotContain("TrainerOptions", run.Error);
    }
}
