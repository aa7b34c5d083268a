using Bert.Runtime.Execution;

namespace Bert.Runtime.Gpu;

/// <summary>A contiguous range of the parameter store that takes one weight-decay setting.</summary>
public readonly record struct AdamRun(long Start, long Length, bool WeightDecay);

/// <summary>
/// Splits a generated model's parameter layout (specs back to back, in order) into the fewest runs of equal
/// weight-decay setting: the GPU Adam update launches once per run with the run's decay as a scalar.
/// </summary>
public static class AdamRuns
{
    public static IReadOnlyList<AdamRun> From(IReadOnlyList<ParameterSpec> parameters)
    {
        var runs = new List<AdamRun>();
        long offset = 0;
        foreach (var p in parameters)
        {
            if (p.Elements == 0) continue;
            if (runs.Count > 0 && runs[^1].WeightDecay == p.WeightDecay)
                runs[^1] = runs[^1] with { Length = runs[^1].Length + p.Elements };
            else
                runs.Add(new AdamRun(offset, p.Elements, p.WeightDecay));
            offset += p.Elements;
        }
        return runs;
    }
}
