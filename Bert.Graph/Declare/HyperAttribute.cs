namespace Bert.Graph;

/// <summary>
/// A run-time scalar hyper-parameter (e.g. the dropout probability), read when a step runs.
/// In a [Block] class it stands for the model's hyper-parameter of the same name.
/// </summary>
[AttributeUsage(AttributeTargets.Field, Inherited = false)]
public sealed class HyperAttribute : Attribute;
