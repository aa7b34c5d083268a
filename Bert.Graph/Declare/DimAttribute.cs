namespace Bert.Graph;

/// <summary>
/// A named dimension usable in shape strings. A <c>const int</c> is folded at compile time; an <c>int</c> field
/// is a run-time symbol: fixed at construction when a parameter's shape uses it (Vocab), otherwise bound per
/// step (Batch, Seq). In a [Block] class, a [Dim] field stands for the model's dimension of the same name.
/// </summary>
[AttributeUsage(AttributeTargets.Field, Inherited = false)]
public sealed class DimAttribute : Attribute;
