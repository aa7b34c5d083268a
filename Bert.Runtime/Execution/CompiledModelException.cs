namespace Bert.Runtime.Execution;

/// <summary>
/// A generated model was used wrongly: a non-positive dimension, dimensions too large for the kernels, Forward before
/// Bind, Backward before Forward. The message says what was wrong and which call fixes it.
/// </summary>
public sealed class CompiledModelException : Exception
{
    public CompiledModelException(string message) : base(message) { }

    /// <summary>Rejects a dimension argument that is zero or negative, naming it.</summary>
    public static void ThrowIfNotPositive(int value, string dimension)
    {
        if (value <= 0)
            throw new CompiledModelException($"Dimension '{dimension}' must be positive, got {value}.");
    }
}
