using System.Text.Json;
using Bert.Samples.Bench;
using Bert.Tests;

namespace Bert.Samples.Tests;

public class BenchCommandTests
{
    [Fact]
    public void Data_benchmark_reports_json_timings()
    {
        var run = CliRun.Of("bench", "data", "--runs", "3", "--warmup", "0", "--json", "--data", SharedData.WikiText2);
        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.LastLine);
        var entry = Assert.Single(json.RootElement.GetProperty("benchmarks").EnumerateArray());
        Assert.Equal("data", entry.GetProperty("name").GetString());
        Assert.Equal(3, entry.GetProperty("runs").GetInt32());
        double min = entry.GetProperty("min_ms").GetDouble(), median = entry.GetProperty("median_ms").GetDouble();
        Assert.True(min > 0 && min <= median && median <= entry.GetProperty("max_ms").GetDouble());
        Assert.InRange(entry.GetProperty("peak_rss_bytes").GetInt64(), 1L << 20, long.MaxValue);
    }

    [Fact]
    public void The_report_carries_the_machines_fma_peak_at_the_widest_vector_width()
    {
        var run = CliRun.Of("bench", "data", "--runs", "1", "--warmup", "0", "--json", "--data", SharedData.WikiText2);
        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.LastLine);
        var peak = json.RootElement.GetProperty("fma_peak");
        Assert.Equal(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? 512 : 256, peak.GetProperty("vector_bits").GetInt32());
        Assert.Equal(Environment.ProcessorCount, peak.GetProperty("threads").GetInt32());
        Assert.InRange(peak.GetProperty("gflops_per_second").GetDouble(), 1, 1e6);
    }

    [Fact]
    public void Tokenizer_benchmark_reports_words_per_second()
    {
        var run = CliRun.Of("bench", "tokenizer", "--runs", "2", "--warmup", "0", "--json", "--data", SharedData.WikiText2);
        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.LastLine);
        var entry = Assert.Single(json.RootElement.GetProperty("benchmarks").EnumerateArray());
        Assert.Equal("words", entry.GetProperty("item_name").GetString());
        Assert.True(entry.GetProperty("items_per_second").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("gemm_gflops_per_second").ValueKind);
    }

    [Fact]
    public void Gemm_benchmark_reports_gflops_of_the_tutorial_shapes()
    {
        var run = CliRun.Of("bench", "gemm", "--runs", "1", "--warmup", "0", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.LastLine);
        var entry = Assert.Single(json.RootElement.GetProperty("benchmarks").EnumerateArray());
        Assert.Equal("products", entry.GetProperty("item_name").GetString());
        Assert.True(entry.GetProperty("gemm_gflops_per_second").GetDouble() > 0);
    }

    /// <summary>With --profile, every shape's row: its time, GFLOP/s and share of the FMA peak, and the backend it ran on.</summary>
    [Fact]
    public void Gemm_profile_gives_each_shapes_rate_as_a_share_of_the_peak()
    {
        var run = CliRun.Of("bench", "gemm", "--runs", "1", "--warmup", "0", "--profile");
        Assert.True(run.ExitCode == 0, run.Error);
        var rows = (run.Out + run.Error).Split('\n');
        foreach (var shape in GemmBenchmark.TutorialShapes)
        {
            string row = Assert.Single(rows, r => r.Contains(shape.Name + " (", StringComparison.Ordinal));
            var cells = row.Split('│', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            Assert.Matches(@"^\((managed|openblas)\)$", cells[0][shape.Name.Length..].Trim());
            Assert.True(double.Parse(cells[^2], System.Globalization.CultureInfo.InvariantCulture) > 0, row);
            Assert.EndsWith(" %", cells[^1]);
        }
    }

    /// <summary>With --json the profile is part of the one JSON line, which stays the last line of the output.</summary>
    [Fact]
    public void Gemm_profile_with_json_is_in_the_last_line()
    {
        var run = CliRun.Of("bench", "gemm", "--runs", "1", "--warmup", "0", "--profile", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.LastLine);
        var profile = json.RootElement.GetProperty("profile").EnumerateArray().ToList();
        Assert.Equal(GemmBenchmark.TutorialShapes.Count, profile.Count);
        foreach (var step in profile)
        {
            Assert.Equal(1, step.GetProperty("calls").GetInt32());
            Assert.True(step.GetProperty("gflops_per_second").GetDouble() > 0);
            Assert.InRange(step.GetProperty("peak_fraction").GetDouble(), 0.0, 10.0);
        }
    }

    [Fact]
    public void Finetune_benchmark_reports_pairs_and_real_tokens_per_second()
    {
        var run = CliRun.Of("bench", "finetune", "--runs", "1", "--warmup", "0", "--json", "--data", SharedData.WikiText2);
        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.LastLine);
        var entry = Assert.Single(json.RootElement.GetProperty("benchmarks").EnumerateArray());
        Assert.Equal("pairs", entry.GetProperty("item_name").GetString());
        double pairs = entry.GetProperty("items_per_second").GetDouble(), tokens = entry.GetProperty("tokens_per_second").GetDouble();
        // 32 MRPC pairs of at most 128 tokens: more than 3 and at most 128 real tokens per pair.
        Assert.InRange(tokens / pairs, 3.01, 128);
        Assert.True(entry.GetProperty("gemm_gflops_per_second").GetDouble() > 0);
    }

    [Fact]
    public void Full_length_fills_every_pair_of_the_finetune_batch_to_128_tokens()
    {
        var run = CliRun.Of("bench", "finetune", "--full-length", "--runs", "1", "--warmup", "0", "--json", "--data", SharedData.WikiText2);
        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.LastLine);
        var entry = Assert.Single(json.RootElement.GetProperty("benchmarks").EnumerateArray());
        double pairs = entry.GetProperty("items_per_second").GetDouble(), tokens = entry.GetProperty("tokens_per_second").GetDouble();
        Assert.InRange(tokens / pairs, 127.5, 128.5);   // the rates are printed to one decimal
    }

    [Fact]
    public void Finetune_benchmark_steps_the_classifier_model_names_and_refuses_an_unknown_one()
    {
        var run = CliRun.Of("bench", "finetune", "--model", "BertMiniClassifier", "--runs", "1", "--warmup", "0", "--json", "--data", SharedData.WikiText2);
        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.LastLine);
        var entry = Assert.Single(json.RootElement.GetProperty("benchmarks").EnumerateArray());
        // bert-mini's 4 layers × 256 hidden do more work per pair than the tutorial's 2 × 128 (the reported GEMM work is the model's).
        var tutorial = CliRun.Of("bench", "finetune", "--runs", "1", "--warmup", "0", "--json", "--data", SharedData.WikiText2);
        using var tutorialJson = JsonDocument.Parse(tutorial.LastLine);
        var tutorialEntry = Assert.Single(tutorialJson.RootElement.GetProperty("benchmarks").EnumerateArray());
        static double GemmWork(JsonElement e) => e.GetProperty("gemm_gflops_per_second").GetDouble() * e.GetProperty("median_ms").GetDouble();
        Assert.True(GemmWork(entry) > 4 * GemmWork(tutorialEntry), $"{GemmWork(entry)} vs {GemmWork(tutorialEntry)}");

        var unknown = CliRun.Of("bench", "finetune", "--model", "BertHugeClassifier", "--runs", "1");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("BertHugeClassifier", unknown.Error);
        Assert.Contains("BertBaseClassifier", unknown.Error);
    }

    [Fact]
    public void Timer_reports_median_min_and_max()
    {
        int calls = 0;
        var timing = BenchmarkTiming.Measure("sleep", () => { calls++; Thread.Sleep(calls == 3 ? 40 : 5); }, runs: 4, warmup: 1);
        Assert.Equal(5, calls);
        Assert.InRange(timing.MaxMs, 40, 1000);
        Assert.InRange(timing.MinMs, 5, timing.MedianMs);
        Assert.True(timing.MedianMs < timing.MaxMs);
    }

    [Fact]
    public void The_after_warmup_hook_runs_between_the_warmup_and_the_timed_runs()
    {
        var events = new List<string>();
        BenchmarkTiming.Measure("count", () => events.Add("run"), runs: 2, warmup: 2, afterWarmup: () => events.Add("hook"));
        Assert.Equal(["run", "run", "hook", "run", "run"], events);
    }

    [Fact]
    public void Declared_work_turns_the_median_into_rates()
    {
        var timing = new BenchmarkTiming("step", Runs: 3, Warmup: 1, MedianMs: 500, MinMs: 400, MaxMs: 600)
            .WithWork(new BenchmarkWork(GemmFlops: 3e10, Items: 512, ItemName: "pairs", Tokens: 20_000));
        Assert.Equal(60.0, timing.GemmGflopsPerSecond);
        Assert.Equal(1024.0, timing.ItemsPerSecond);
        Assert.Equal(40_000.0, timing.TokensPerSecond);
        Assert.Equal("pairs", timing.ItemName);
        Assert.Equal(0.25, timing.WithPeak(240).GemmPeakFraction);
        Assert.Null(new BenchmarkTiming("data", 3, 1, 500, 400, 600).WithPeak(240).GemmPeakFraction);
        Assert.Null(new BenchmarkTiming("data", 3, 1, 500, 400, 600).WithWork(null).ItemsPerSecond);
        Assert.Null(new BenchmarkTiming("data", 3, 1, 500, 400, 600).WithWork(new BenchmarkWork(0, 10, "words")).TokensPerSecond);
    }

    [Theory]
    [InlineData("Unknown benchmark 'nope'. Available: data", "bench", "nope")]
    [InlineData("--runs is 0", "bench", "--runs", "0")]
    [InlineData("--warmup is -1", "bench", "--warmup", "-1")]
    public void Bad_requests_exit_with_code_2(string message, params string[] args)
    {
        var run = CliRun.Of(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error.Replace("\n", " "));
    }

    [Fact]
    public void Tokenizer_benchmark_without_the_bert_vocabulary_is_a_user_error()
    {
        // A data root with WikiText-2 but no bert-base-uncased/vocab.txt beside it.
        var root = Directory.CreateTempSubdirectory("bert-no-vocab-");
        try
        {
            var run = CliRun.Of("bench", "tokenizer", "--runs", "1", "--data", Path.Combine(root.FullName, "wikitext-2"));
            Assert.Equal(2, run.ExitCode);
            Assert.Contains($"Vocabulary file '{Path.Combine(root.FullName, "bert-base-uncased", "vocab.txt")}' does not exist",
                System.Text.RegularExpressions.Regex.Replace(run.Error, @"\s+", " "));
            Assert.DoesNotContain("   at ", run.Error);   // no stack trace
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void Registry_names_are_unique()
    {
        var names = BenchmarkRegistry.All.Select(b => b.Name).ToList();
        Assert.Equal(names.Distinct(StringComparer.OrdinalIgnoreCase).Count(), names.Count);
        Assert.Contains("data", names);
    }
}
