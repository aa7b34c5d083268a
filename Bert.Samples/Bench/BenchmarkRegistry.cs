using Bert.Runtime;

namespace Bert.Samples.Bench;

/// <summary>Every benchmark <c>bert bench</c> knows, by name.</summary>
public static class BenchmarkRegistry
{
    public static IReadOnlyList<IBenchmark> All { get; } =
    [
        new DataBuildBenchmark(),
        new TrainingStepBenchmark(),
        new FinetuneStepBenchmark(),
        new GemmBenchmark(),
        new TokenizerBenchmark(),
    ];

    public static IBenchmark Find(string name) =>
        All.FirstOrDefault(b => b.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new UserError($"Unknown benchmark '{name}'. Available: {string.Join(", ", All.Select(b => b.Name))}.");
}
