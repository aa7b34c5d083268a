using System.Text.Json;
using Bert.Tests;

namespace Bert.Samples.Tests;

public class DataCommandTests
{
    [Fact]
    public void Json_summary_of_the_shared_data_is_the_last_line()
    {
        var run = CliRun.Of("data", "--data", SharedData.WikiText2, "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.LastLine);
        var root = json.RootElement;
        // Reference figures: see Bert.Runtime.Tests WikiTextCorpusTests / PretrainingDatasetTests.
        Assert.Equal(15_496, root.GetProperty("paragraphs").GetInt32());
        Assert.Equal(74_631, root.GetProperty("sentences").GetInt32());
        Assert.Equal(20_256, root.GetProperty("vocabulary_size").GetInt32());
        Assert.Equal(43_695, root.GetProperty("examples").GetInt32());
        Assert.Equal((43_695 + 511) / 512, root.GetProperty("batches_per_epoch").GetInt32());
        Assert.InRange(root.GetProperty("nsp_positive_fraction").GetDouble(), 0.48, 0.52);
        Assert.InRange(root.GetProperty("masked_fraction").GetDouble(), 0.14, 0.16);
        Assert.InRange(root.GetProperty("mask_share").GetDouble(), 0.78, 0.82);
        Assert.True(root.GetProperty("validation_examples").GetInt32() > 0);
        Assert.True(root.GetProperty("build_seconds").GetDouble() > 0);
    }

    [Fact]
    public void Options_change_the_build()
    {
        var run = CliRun.Of("data", "--data", SharedData.WikiText2, "--json", "--max-len", "32", "--batch", "100", "--seed", "7", "--dynamic-masking");
        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.LastLine);
        var root = json.RootElement;
        Assert.Equal((32, 100, 7UL, true), (root.GetProperty("max_len").GetInt32(), root.GetProperty("batch_size").GetInt32(),
            root.GetProperty("seed").GetUInt64(), root.GetProperty("dynamic_masking").GetBoolean()));
        int examples = root.GetProperty("examples").GetInt32();
        Assert.InRange(examples, 1, 43_695 - 1);
        Assert.Equal((examples + 99) / 100, root.GetProperty("batches_per_epoch").GetInt32());
    }

    [Fact]
    public void Table_summary_names_each_figure()
    {
        var run = CliRun.Of("data", "--data", SharedData.WikiText2);
        Assert.True(run.ExitCode == 0, run.Error);
        foreach (string text in new[] { "paragraphs", "15,496", "sentences", "vocabulary", "20,256", "examples (train)", "43,695", "NSP positives", "masked", "build time" })
            Assert.Contains(text, run.Out);
    }

    [Fact]
    public void Help_explains_every_option()
    {
        var run = CliRun.Of("data", "--help");
        Assert.Equal(0, run.ExitCode);
        foreach (string option in new[] { "--data", "--max-len", "--batch", "--seed", "--dynamic-masking", "--json" })
            Assert.Matches($@"{option}\b[^\n]*\S+\s+\S", run.Out);
        Assert.Contains("BERT_DATA_DIR", run.Out);
    }

    [Fact]
    public void Missing_folder_is_a_red_user_error_with_exit_code_2()
    {
        string missing = Path.Combine(Path.GetTempPath(), "bert-no-such-folder", "wikitext-2");
        var run = CliRun.Of("data", "--data", missing);
        Assert.Equal(2, run.ExitCode);
        string error = run.Error.Replace("\n", " ");
        Assert.Contains("error:", error);
        Assert.Contains("bert-no-such-folder", error);
        Assert.Contains("--data", error);
        Assert.DoesNotContain("   at ", run.Error);
    }

    [Theory]
    [InlineData("--max-len", "3", "max_len is 3")]
    [InlineData("--batch", "0", "batch size is 0")]
    [InlineData("--max-len", "abc", "abc")]
    [InlineData("--seed", "-1", "-1")]
    public void Bad_option_values_exit_with_code_2(string option, string value, string message)
    {
        var run = CliRun.Of("data", "--data", SharedData.WikiText2, option, value);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error.Replace("\n", " "));
    }
}
