namespace Bert.Samples.Bench;

/// <summary>
/// What one timed run of a benchmark computes, so the report can turn its median time into rates:
/// <paramref name="GemmFlops"/> floating-point operations in matrix products (2 per multiply-add) and
/// <paramref name="Items"/> units of work named <paramref name="ItemName"/> (for example sentence pairs).
/// </summary>
public sealed record BenchmarkWork(double GemmFlops, double Items, string ItemName);
