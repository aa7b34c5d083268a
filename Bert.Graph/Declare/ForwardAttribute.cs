namespace Bert.Graph;

/// <summary>
/// The graph of a model or block. A model's Forward takes no arguments and returns the scalar loss;
/// a block's Forward takes and returns tensors and is inlined where it is called.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class ForwardAttribute : Attribute;
