using System.CommandLine;
using Bert.Runtime;
using Bert.Runtime.Cpu;
using Bert.Runtime.Execution;
using Bert.Samples.Bench;
using Bert.Samples.Models;
using Spectre.Console;

namespace Bert.Samples.Cli;

/// <summary><c>bert bench [NAME...]</c>: times registered benchmarks and prints median/min/max.</summary>
static class BenchCommand
{
    public static Command Create(Terminal terminal)
    {
        var names = new Argument<string[]>("NAME")
        {
            Description = "Benchmarks to run (default: all): " +
                          string.Join(", ", BenchmarkRegistry.All.Select(b => $"{b.Name} ({b.Description})")),
            Arity = ArgumentArity.ZeroOrMore,
        };
        var runs = new Option<int>("--runs") { Description = "Timed runs per benchmark.", DefaultValueFactory = _ => 10 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed runs first (JIT, caches).", DefaultValueFactory = _ => 1 };
        var data = new Option<string?>("--data") { Description = WikiTextFolder.OptionDescription, HelpName = "DIR" };
        var json = new Option<bool>("--json") { Description = "Print the timings as one JSON object (the last line)." };
        var profile = new Option<bool>("--profile")
        {
            Description = "Also time every step of the generated model (fused kernels, GEMMs) and print where the time goes.",
        };
        var model = new Option<string?>("--model")
        {
            Description = "The compiled classifier the finetune benchmark steps, randomly initialized (default: TutorialBertClassifier): " +
                          string.Join(", ", CompiledModels.Classifiers.Select(c => c.ClassName)) + ".",
            HelpName = "CLASS",
        };
        var fullLength = new Option<bool>("--full-length")
        {
            Description = "Fill every pair of the finetune benchmark's batch to 128 tokens (several MRPC sentences joined): the time and memory of a full 32 × 128 batch.",
        };
        var device = new DeviceOptions("Where the step benchmark runs");

        var command = new Command("bench", "Time the named benchmarks (median, min, max over --runs runs).")
        {
            names, runs, warmup, data, json, profile, model, fullLength,
        };
        device.AddTo(command);
        command.SetGuardedAction(terminal, parse =>
        {
            int runCount = parse.GetValue(runs), warmupCount = parse.GetValue(warmup);
            if (runCount <= 0) throw new UserError($"--runs is {runCount}; it must be positive.");
            if (warmupCount < 0) throw new UserError($"--warmup is {warmupCount}; it must be zero or more.");
            string[] requested = parse.GetValue(names) ?? [];
            var selected = requested.Length == 0 ? BenchmarkRegistry.All : requested.Select(BenchmarkRegistry.Find).ToList();

            if (parse.GetValue(model) is { } classifier) FinetuneStepBenchmark.Classifier(classifier);   // an unknown name fails before any work
            var profiler = parse.GetValue(profile) ? new StepProfiler() : null;
            var settings = new BenchSettings(() => WikiTextFolder.Ensure(terminal, parse.GetValue(data)), parse.GetValue(data), device.Resolve(parse, terminal), profiler,
                parse.GetValue(model), parse.GetValue(fullLength));
            using var gemms = settings.Device.UseCpuGemmPrecision();
            var peak = FmaPeak.Measured;
            var timings = selected
                .Select(b => BenchmarkTiming.Measure(b.Name, b.Prepare(settings), runCount, warmupCount, profiler is null ? null : profiler.Clear)
                    .WithWork(b.Work).WithPeak(peak.GflopsPerSecond))
                .ToList();
            if (parse.GetValue(json))
            {
                var profile = profiler?.Summary().Select(s => ProfileEntry.Of(s, peak.GflopsPerSecond)).ToList();
                CliJson.WriteLine(terminal, new BenchReport(settings.Device.Device.ToString(), settings.Device.PrecisionName, peak, timings, profile));
                return 0;
            }
            Print(terminal.Ui, peak, timings);
            if (profiler is not null) PrintProfile(terminal.Ui, profiler, peak.GflopsPerSecond);
            return 0;
        });
        return command;
    }

    static void Print(IAnsiConsole ui, FmaPeakResult peak, IEnumerable<BenchmarkTiming> timings)
    {
        ui.WriteLine($"CPU FMA peak (fp32, {peak.VectorBits}-bit vectors, {peak.Threads} threads): {peak.GflopsPerSecond:F1} GFLOP/s");
        if (Blas.Bf16Operands)
            ui.WriteLine("GEMMs take bf16 operands: \"of peak\" is of the fp32 FMA peak (an AVX512_BF16 dot product does twice an FMA's multiply-adds).");
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("benchmark").AddColumn(new TableColumn("runs").RightAligned())
            .AddColumn(new TableColumn("median ms").RightAligned())
            .AddColumn(new TableColumn("min ms").RightAligned()).AddColumn(new TableColumn("max ms").RightAligned())
            .AddColumn(new TableColumn("GEMM GFLOP/s").RightAligned()).AddColumn(new TableColumn("of peak").RightAligned())
            .AddColumn(new TableColumn("rate").RightAligned()).AddColumn(new TableColumn("tokens/s").RightAligned()).AddColumn(new TableColumn("peak RSS MiB").RightAligned());
        foreach (var t in timings)
            table.AddRow(Markup.Escape(t.Name), $"{t.Runs}", $"{t.MedianMs:F1}", $"{t.MinMs:F1}", $"{t.MaxMs:F1}",
                t.GemmGflopsPerSecond is { } gflops ? $"{gflops:F1}" : "",
                t.GemmPeakFraction is { } fraction ? $"{100 * fraction:F1} %" : "",
                t.ItemsPerSecond is { } rate ? Markup.Escape($"{rate:F1} {t.ItemName}/s") : "", t.TokensPerSecond is { } tokens ? $"{tokens:N0}" : "",
                $"{t.PeakRssBytes / 1048576.0:F0}");
        ui.Write(table);
        ui.WriteLine();
    }

    /// <summary>
    /// Time per step label over the timed runs (the warm-up runs' first-touch page faults and JIT are left out), longest
    /// first, with its share of the total; GEMMs also with their GFLOP/s and its fraction of the machine's FMA peak.
    /// </summary>
    static void PrintProfile(IAnsiConsole ui, StepProfiler profiler, double peakGflops)
    {
        var summary = profiler.Summary();
        double total = summary.Sum(s => s.Total.TotalMilliseconds);
        var table = new Table().Border(TableBorder.Rounded).AddColumn("step")
            .AddColumn(new TableColumn("calls").RightAligned()).AddColumn(new TableColumn("ms per call").RightAligned())
            .AddColumn(new TableColumn("total ms").RightAligned()).AddColumn(new TableColumn("share").RightAligned())
            .AddColumn(new TableColumn("GFLOP/s").RightAligned()).AddColumn(new TableColumn("of peak").RightAligned());
        foreach (var step in summary.Select(s => ProfileEntry.Of(s, peakGflops)))
            table.AddRow(Markup.Escape(step.Label), $"{step.Calls}", $"{step.TotalMs / step.Calls:F2}", $"{step.TotalMs:F1}", $"{100 * step.TotalMs / total:F1} %",
                step.GflopsPerSecond is { } gflops ? $"{gflops:F1}" : "", step.PeakFraction is { } fraction ? $"{100 * fraction:F1} %" : "");
        ui.Write(table);
        ui.WriteLine();
    }
}

/// <summary>
/// What <c>bert bench --json</c> prints: the device of the model benchmarks ("cpu", "cuda:N"), its GEMM precision (null
/// on the CPU), the CPU's FMA peak, the timings, and with <c>--profile</c> the steps' times (else null).
/// </summary>
sealed record BenchReport(string Device, string? Precision, FmaPeakResult FmaPeak, IReadOnlyList<BenchmarkTiming> Benchmarks,
    IReadOnlyList<ProfileEntry>? Profile);

/// <summary>One step label of <c>--profile</c>: its calls and time over the timed runs, and a GEMM's rate and fraction of the FMA peak (else null).</summary>
sealed record ProfileEntry(string Label, int Calls, double TotalMs, double? GflopsPerSecond, double? PeakFraction)
{
    public static ProfileEntry Of(StepTotal step, double peakGflops) =>
        new(step.Label, step.Calls, step.Total.TotalMilliseconds, step.GflopsPerSecond, step.GflopsPerSecond / peakGflops);
}
