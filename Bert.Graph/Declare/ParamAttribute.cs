namespace Bert.Graph;

/// <summary>
/// A trainable parameter. <paramref name="shape"/> lists dimensions or integers, e.g. "Vocab, Hidden";
/// weights are [out, in] like Hugging Face checkpoints, whose tensor name <see cref="Hf"/> gives.
/// </summary>
[AttributeUsage(AttributeTargets.Field, Inherited = false)]
public sealed class ParamAttribute(string shape) : Attribute
{
    public string Shape { get; } = shape;
    public Init Init { get; set; } = Init.Normal;
    /// <summary>Standard deviation of <see cref="Init.Normal"/>.</summary>
    public float Scale { get; set; } = 0.02f;
    /// <summary>Whether the optimizer decays this parameter; by default matrices decay and vectors do not.</summary>
    public bool WeightDecay { get; set; }
    public string? Hf { get; set; }
}
