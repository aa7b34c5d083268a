namespace Bert.Graph;

/// <summary>Marks a partial class as a model the Bert.Compiler generator compiles.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ModelAttribute : Attribute;
