using Bert.Graph;

namespace Bert.Runtime.Execution;

/// <summary>
/// One trainable tensor of a generated model, in the order parameters lie in the contiguous value and gradient
/// stores. <paramref name="HfName"/> is the Hugging Face checkpoint name used to import and export weights.
/// </summary>
public sealed record ParameterSpec(string Name, string HfName, int[] Shape, Init Init, float Scale, bool WeightDecay)
{
    /// <summary>Number of elements (the product of the shape).</summary>
    public long Elements => Shape.Aggregate(1L, (product, extent) => product * extent);

    /// <summary>The specs as a <see cref="Training.ParameterStore"/> table: Hugging Face names, back-to-back offsets (the generated layout).</summary>
    public static Training.ParameterInfo[] Table(IReadOnlyList<ParameterSpec> specs)
    {
        var table = new Training.ParameterInfo[specs.Count];
        long offset = 0;
        for (int i = 0; i < specs.Count; i++)
        {
            var s = specs[i];
            table[i] = new Training.ParameterInfo(s.HfName, s.Shape, offset, s.Elements, Training.Initializer.Of(s.Init, s.Scale), s.WeightDecay);
            offset += s.Elements;
        }
        return table;
    }

    /// <summary>Total elements of all parameters; throws when one contiguous float array cannot hold them.</summary>
    public static int TotalElements(IEnumerable<ParameterSpec> specs)
    {
        long total = specs.Sum(s => s.Elements);
        if (total > Array.MaxLength)
            throw new CompiledModelException($"The parameters need {total:N0} floats, more than one array holds ({Array.MaxLength:N0}); use smaller dimensions.");
        return (int)total;
    }
}
