using Bert.Runtime.Execution;
using Bert.Samples.Devices;

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
/// <param name="WikiText">Finds (or downloads) the WikiText-2 folder: entries that need it call this in <see cref="IBenchmark.Prepare"/>.</param>
/// <param name="DataOption">The --data value, or null.</param>
/// <param name="Device">Where model benchmarks run (--device, --precision); data and text benchmarks are host work.</param>
/// <param name="Profiler">With --profile: where entries that run a generated model on the CPU time its steps.</param>
/// <param name="Classifier">With --model: the compiled classifier the fine-tuning entry steps (null: the tutorial-shaped one).</param>
public sealed record BenchSettings(Func<string> WikiText, string? DataOption, ComputeDevice Device, StepProfiler? Profiler = null, string? Classifier = null, bool FullLength = false);
