using System.Diagnostics.CodeAnalysis;

namespace Bert.Runtime.Execution;

/// <summary>
/// One [Model] class the generator compiled into an assembly (each assembly's generated <c>CompiledModelRegistry.All</c>
/// lists them): its type, the dimensions its constructor takes, in order (e.g. Vocab), and a factory over them.
/// </summary>
public sealed record CompiledModelType(
    [property: DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] Type Type,
    IReadOnlyList<string> ConstructionDimensions,
    Func<IReadOnlyList<int>, ICompiledModel> Create);
