using Bert.Generators.Emit;
using Bert.Generators.Plan;
using Bert.Generators.Tests.Back.Support;

namespace Bert.Generators.Tests.Gpu;

/// <summary>
/// A plan's generated <c>{Model}.Ilgpu.g.cs</c> compiled on its own, for tests that need only its kernels: the two
/// members of the rest of the model that its <c>OpenIlgpu</c> names (the host parameters, the CUDA launch table) are
/// stubbed.
/// </summary>
static class GeneratedIlgpuKernels
{
    public static Type Compile(ExecutionPlan plan)
    {
        string ns = plan.Namespace.Length > 0 ? $"namespace {plan.Namespace};\n" : "";
        string rest = ns + $$"""
            partial class {{plan.ModelName}}
            {
                public float[] ParameterValues => [];
                public static class CudaKernels { public static global::Bert.Runtime.Execution.CudaKernelLaunch[] Launches => []; }
            }
            """;
        string name = (plan.Namespace.Length > 0 ? plan.Namespace + "." : "") + plan.ModelName + "+IlgpuKernels";
        return InMemoryCompiler.Compile(IlgpuModelEmitter.Emit(plan), rest).GetType(name)
               ?? throw new InvalidOperationException($"No {name} in the generated code.");
    }
}
