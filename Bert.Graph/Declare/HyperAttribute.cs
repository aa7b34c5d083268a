namespace Bert.Graph;

/// <summary>
/// A scalar hyper-parameter. A <c>float</c> field is read when a step runs (e.g. the dropout probability); a
/// <c>const float</c> is folded at compile time (e.g. LayerNorm's epsilon).
/// In a [Block] class it stands for the model's hyper-parameter of the same name.
/// </summary>
[AttributeUsage(AttributeTargets.Field, Inherited = false)]
public sealed class HyperAttribute : Attribute;
