namespace Bert.Runtime.Training;

/// <summary>
/// One parameter tensor inside a <see cref="ParameterStore"/>: its row-major <paramref name="Shape"/>, where it
/// lives in the store's flat arrays (<paramref name="Offset"/>, <paramref name="Length"/> floats), how it is
/// initialised, and whether AdamW's weight decay applies to it (not to biases and LayerNorm parameters).
/// </summary>
public sealed record ParameterInfo(string Name, int[] Shape, long Offset, long Length, Initializer Init, bool Decay)
{
    /// <summary>The number of elements <paramref name="shape"/> describes.</summary>
    public static long ElementCount(IReadOnlyList<int> shape)
    {
        long count = 1;
        foreach (int dim in shape)
        {
            if (dim < 0) throw new ArgumentException($"Negative dimension in shape [{string.Join(", ", shape)}].", nameof(shape));
            count = checked(count * dim);
        }
        return count;
    }

    public string ShapeText => $"[{string.Join(", ", Shape)}]";
}

/// <summary>A parameter to lay out: the table <see cref="ParameterStore.Layout"/> turns into <see cref="ParameterInfo"/>s.</summary>
public readonly record struct ParameterDeclaration(string Name, int[] Shape, Initializer Init, bool Decay);
