using System.Diagnostics;

namespace Bert.Runtime.Cpu;

/// <summary>
/// A bounded busy-wait: <see cref="Continue"/> pauses for a few cycles and says whether time is left. Reading the
/// clock costs more than a pause, so it is read once every 64 calls.
/// </summary>
internal struct SpinBudget(long ticks)
{
    readonly long deadline = Stopwatch.GetTimestamp() + ticks;
    int spins;

    public bool Continue()
    {
        Thread.SpinWait(8);
        return (++spins & 63) != 0 || Stopwatch.GetTimestamp() < deadline;
    }

    /// <summary>
    /// Stopwatch ticks in <paramref name="milliseconds"/>, or none when the loops have more threads than the machine
    /// has processors: then a spinning thread may hold the core that the thread it waits for needs.
    /// </summary>
    public static long Ticks(double milliseconds) =>
        ParallelRows.ThreadCount <= Environment.ProcessorCount ? (long)(milliseconds * Stopwatch.Frequency / 1000) : 0;
}
