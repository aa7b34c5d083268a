using System.Diagnostics;

namespace Bert.Runtime.Execution;

/// <summary>
/// Wall time per step of a generated CPU program, summed by step label (a fused kernel's name, or the GEMM's
/// source op). Assign one to a generated model's <c>Profiler</c>; its Forward and Backward then call
/// <see cref="Restart"/> on entry and <see cref="Lap"/> after every step. Not thread-safe (one model, one thread).
/// </summary>
public sealed class StepProfiler
{
    readonly Dictionary<string, StepTime> times = new(StringComparer.Ordinal);
    long last;

    /// <summary>Starts timing the next step from now (called on entry to Forward and Backward).</summary>
    public void Restart() => last = Stopwatch.GetTimestamp();

    /// <summary>Adds the time since the previous lap (or <see cref="Restart"/>) to <paramref name="label"/>.</summary>
    public void Lap(string label)
    {
        long now = Stopwatch.GetTimestamp();
        times[label] = times.TryGetValue(label, out var time) ? time.Add(now - last) : new StepTime(now - last, 1);
        last = now;
    }

    /// <summary>Total time and call count per label, longest first.</summary>
    public IReadOnlyList<(string Label, TimeSpan Total, int Calls)> Summary() =>
        [.. times.OrderByDescending(t => t.Value.Ticks)
            .Select(t => (t.Key, Stopwatch.GetElapsedTime(0, t.Value.Ticks), t.Value.Calls))];

    public void Clear() => times.Clear();

    readonly record struct StepTime(long Ticks, int Calls)
    {
        public StepTime Add(long ticks) => new(Ticks + ticks, Calls + 1);
    }
}
