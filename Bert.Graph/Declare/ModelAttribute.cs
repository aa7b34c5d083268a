namespace Bert.Graph;

/// <summary>
/// Marks a partial class as a model the Bert.Compiler generator compiles into forward/backward kernels.
/// Set <see cref="Fuse"/> to false to run every op as its own kernel (for comparing fused and unfused execution).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ModelAttribute : Attribute
{
    public bool Fuse { get; set; } = true;
}
