namespace Bert.Graph;

/// <summary>
/// On a class: a reusable block of parameters with its own <c>[Forward]</c> (e.g. one encoder layer).
/// On a model field: an instance (or, with <paramref name="count"/>, an array of instances) of that block;
/// <see cref="Hf"/> is the Hugging Face name prefix, with <c>{i}</c> standing for the layer index.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Field, Inherited = false)]
public sealed class BlockAttribute(string? count = null) : Attribute
{
    /// <summary>The dimension giving the number of instances of a block array (e.g. "Layers").</summary>
    public string? Count { get; } = count;
    public string? Hf { get; set; }
}
