namespace Bert.Graph;

/// <summary>A model input filled by the caller each step; <paramref name="shape"/> lists dimensions, e.g. "Batch, Seq".</summary>
[AttributeUsage(AttributeTargets.Field, Inherited = false)]
public sealed class InputAttribute(string shape) : Attribute
{
    public string Shape { get; } = shape;
}
