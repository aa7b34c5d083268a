using System.Diagnostics;

namespace Bert.Runtime.Execution;

/// <summary>
/// Wall time per step of a generated CPU program, summed by step label (a fused kernel's name, or the GEMM's
/// source op), with the floating-point operations of the steps that count them (GEMMs). Assign one to a generated
/// model's <c>Profiler</c>; its Forward and Backward then call <see cref="Restart"/> on entry and <see cref="Lap"/>
/// after every step. Not thread-safe (one model, one thread).
/// </summary>
public sealed class StepProfiler
{
    readonly Dictionary<string, StepTime> times = new(StringComparer.Ordinal);
    long last;

    /// <summary>Starts timing the next step from now (called on entry to Forward and Backward).</summary>
    public void Restart() => last = Stopwatch.GetTimestamp();

    /// <summary>
    /// Adds the time since the previous lap (or <see cref="Restart"/>) to <paramref name="label"/>, and the step's
    /// <paramref name="flops"/> (0 for a step that does not count them).
    /// </summary>
    public void Lap(string label, double flops = 0)
    {
        long now = Stopwatch.GetTimestamp();
        times[label] = times.TryGetValue(label, out var time) ? time.Add(now - last, flops) : new StepTime(now - last, 1, flops);
        last = now;
    }

    /// <summary>Total time, call count and floating-point operations per label, longest first.</summary>
    public IReadOnlyList<StepTotal> Summary() =>
        [.. times.OrderByDescending(t => t.Value.Ticks)
            .Select(t => new StepTotal(t.Key, Stopwatch.GetElapsedTime(0, t.Value.Ticks), t.Value.Calls, t.Value.Flops))];

    public void Clear() => times.Clear();

    readonly record struct StepTime(long Ticks, int Calls, double Flops)
    {
        public StepTime Add(long ticks, double flops) => new(Ticks + ticks, Calls + 1, Flops + flops);
    }
}

/// <summary>One label's totals: time, calls, and floating-point operations (0 where the step does not count them).</summary>
public readonly record struct StepTotal(string Label, TimeSpan Total, int Calls, double Flops)
{
    /// <summary>The step's rate in GFLOP/s, or null where it counts no operations.</summary>
    public double? GflopsPerSecond => Flops > 0 && Total > TimeSpan.Zero ? Flops / Total.TotalSeconds / 1e9 : null;
}
