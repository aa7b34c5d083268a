namespace Bert.Generators.Tests.Back.Support;

/// <summary>
/// TEST-ONLY stand-in for Bert.Runtime.Cpu.ParallelRows until the CPU runtime is merged (then delete this file and
/// point <see cref="TestRuntime.Targets"/> at the real one). Runs the chunks on the calling thread in reverse
/// order, so a kernel that wrongly depends on chunk order or on covering all rows at once shows up in tests.
/// </summary>
public static class ReferenceParallelRows
{
    public static void For(int count, int minChunk, Action<int, int> body)
    {
        int chunk = Math.Max(1, minChunk);
        for (int start = (count - 1) / chunk * chunk; start >= 0; start -= chunk) body(start, Math.Min(count, start + chunk));
    }
}
