using System.Reflection;
using Bert.Generators.Emit;
using Bert.Generators.Plan;
using Bert.Generators.Tests.Back;
using Bert.Generators.Tests.Back.Support;
using Bert.Generators.Tests.Front;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Xunit.Abstractions;

namespace Bert.Generators.Tests.Gpu;

/// <summary>
/// Every generated ILGPU kernel compiles to PTX for the GPUs the project targets, with no GPU or driver present:
/// ILGPU's PTX backend for sm_80 (A100) and sm_90 (H100/H200) at PTX ISA 7.8 (what CUDA 11.8's ptxas accepts; both
/// are written as <c>.target sm_80</c>, which newer GPUs JIT). Assembling with ptxas is not done here: it needs the
/// non-free CUDA toolkit, which this suite does not install.
/// </summary>
public class PtxTests(ITestOutputHelper log)
{
    public static TheoryData<string> Models() => ["TinyModel", "TutorialBert"];

    [Theory]
    [MemberData(nameof(Models))]
    public void Every_kernel_compiles_to_ptx_for_sm80_and_sm90(string model)
    {
        var plan = model == "TinyModel" ? TinyModelPlan.Create() : Plans.Tutorial();
        var kernels = GeneratedIlgpuKernels.Compile(plan);
        using var context = Context.Create(b => b.Cuda().EnableAlgorithms());
        foreach (var architecture in new[] { CudaArchitecture.SM_80, CudaArchitecture.SM_90 })
        {
            var backend = new PTXBackend(context, architecture, CudaInstructionSet.ISA_78, null!);
            long total = 0;
            foreach (var kernel in plan.Kernels)
            {
                var method = kernels.GetMethod(kernel.Name, BindingFlags.Public | BindingFlags.Static)!;
                var compiled = (PTXCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(method), KernelSpecialization.Empty);
                string ptx = compiled.PTXAssembly;
                Assert.Contains($".entry Kernel_{kernel.Name}(", ptx);
                Assert.Contains(".target sm_80", ptx);
                Assert.Contains(".version 7.8", ptx);
                total += ptx.Length;
            }
            log.WriteLine($"{model} {architecture}: {plan.Kernels.Length} kernels, {total:N0} bytes of PTX");
        }
    }
}
