using Bert.Runtime.Execution;
using Bert.Samples.Cli;

namespace Bert.Samples.Bench;

/// <summary>
/// A named benchmark of <c>bert bench</c>. <see cref="Prepare"/> does the untimed setup (finding data, warming
/// caches it owns) and returns the operation that is timed, once per run. Add an entry in its own file and list
/// it in <see cref="BenchmarkRegistry"/>.
/// </summary>
public interface IBenchmark
{
    string Name { get; }
    string Description { get; }
    Action Prepare(BenchSettings settings);

    /// <summary>The work of one timed run, when it is known (the report then adds GFLOP/s and items/s).</summary>
    BenchmarkWork? Work => null;
}

/// <summary>What the bench command passes to every entry.</summary>
/// <param name="DataOption">The --data value, or null (see <see cref="WikiTextFolder"/>).</param>
/// <param name="Profiler">With --profile: where entries that run a generated model time its steps.</param>
public sealed record BenchSettings(Terminal Terminal, string? DataOption, StepProfiler? Profiler = null);
