using System.Diagnostics;

namespace Bert.Samples.Bench;

/// <summary>
/// Wall-clock timings of one benchmark: warm-up runs first (untimed), a full GC before every run. When the
/// benchmark declares its <see cref="BenchmarkWork"/>, the median also gives GEMM GFLOP/s and items per second;
/// <see cref="WithPeak"/> adds that rate as a fraction of the machine's FMA peak. <see cref="PeakRssBytes"/> is the
/// process's resident-memory high-water mark when the timed runs ended (it includes what earlier benchmarks used).
/// </summary>
public sealed record BenchmarkTiming(string Name, int Runs, int Warmup, double MedianMs, double MinMs, double MaxMs)
{
    public double? GemmGflopsPerSecond { get; init; }
    public double? ItemsPerSecond { get; init; }
    public string? ItemName { get; init; }
    /// <summary>Real (unpadded) tokens per second, for model steps.</summary>
    public double? TokensPerSecond { get; init; }
    public double? GemmPeakFraction { get; init; }
    public long PeakRssBytes { get; init; }

    public BenchmarkTiming WithWork(BenchmarkWork? work) => work is null ? this : this with
    {
        GemmGflopsPerSecond = work.GemmFlops > 0 ? Math.Round(work.GemmFlops / (MedianMs * 1e6), 1) : null,
        ItemsPerSecond = Math.Round(work.Items / (MedianMs / 1000), 1),
        ItemName = work.ItemName,
        TokensPerSecond = work.Tokens is { } tokens ? Math.Round(tokens / (MedianMs / 1000), 1) : null,
    };

    /// <summary>The GEMM rate as a fraction of <paramref name="peakGflopsPerSecond"/> (see <see cref="Bert.Runtime.Cpu.FmaPeak"/>).</summary>
    public BenchmarkTiming WithPeak(double peakGflopsPerSecond) => GemmGflopsPerSecond is { } gflops
        ? this with { GemmPeakFraction = Math.Round(gflops / peakGflopsPerSecond, 3) }
        : this;

    /// <summary>Runs <paramref name="operation"/> <paramref name="warmup"/> times untimed, calls <paramref name="afterWarmup"/>, then times <paramref name="runs"/> runs.</summary>
    public static BenchmarkTiming Measure(string name, Action operation, int runs, int warmup, Action? afterWarmup = null)
    {
        for (int i = 0; i < warmup; i++) operation();
        afterWarmup?.Invoke();
        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long start = Stopwatch.GetTimestamp();
            operation();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        double median = runs % 2 == 1 ? times[runs / 2] : (times[runs / 2 - 1] + times[runs / 2]) / 2;
        return new(name, runs, warmup, Math.Round(median, 3), Math.Round(times[0], 3), Math.Round(times[^1], 3))
        {
            PeakRssBytes = Process.GetCurrentProcess().PeakWorkingSet64,
        };
    }
}
