using Bert.Generators.Emit;

namespace Bert.Generators.Tests.Back.Support;

/// <summary>
/// The runtime call targets generated code uses in these tests. When the CPU runtime (Bert.Runtime.Cpu) is merged,
/// use <see cref="RuntimeTargets.Default"/> here and delete the Reference* stand-ins.
/// </summary>
static class TestRuntime
{
    public static readonly RuntimeTargets Targets = new(
        blas: "global::" + typeof(ReferenceBlas).FullName,
        parallelRows: "global::" + typeof(ReferenceParallelRows).FullName,
        philox: "global::" + typeof(ReferencePhilox).FullName);
}
