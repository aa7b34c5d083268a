using Bert.Generators.Emit;
using Bert.Generators.Plan;
using Bert.Generators.Tests.Back.Support;

namespace Bert.Generators.Tests.Gpu;

/// <summary>A plan's generated <c>{Model}.Ilgpu.g.cs</c> (its kernels and their launch table) compiled on its own.</summary>
static class GeneratedIlgpuKernels
{
    public static Type Compile(ExecutionPlan plan)
    {
        string name = (plan.Namespace.Length > 0 ? plan.Namespace + "." : "") + plan.ModelName + "+IlgpuKernels";
        return InMemoryCompiler.Compile(IlgpuModelEmitter.Emit(plan)).GetType(name)
               ?? throw new InvalidOperationException($"No {name} in the generated code.");
    }
}
