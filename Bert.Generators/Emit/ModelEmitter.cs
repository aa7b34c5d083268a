using System.Collections.Immutable;
using Bert.Generators.Plan;

namespace Bert.Generators.Emit
{
    /// <summary>A generated source file: the hint name the generator adds it under, and its text.</summary>
    internal sealed record EmittedFile(string HintName, string Text);

    /// <summary>The back end's entry point: every source file generated for one model's execution plan.</summary>
    internal static class ModelEmitter
    {
        /// <summary>
        /// <c>{Model}.g.cs</c> (the model class, its CPU program and kernels), <c>{Model}.Cuda.g.cs</c> (the CUDA source
        /// and launch table), <c>{Model}.Gpu.g.cs</c> (the GPU program: OpenGpu, ForwardOn, BackwardOn,
        /// DownloadOutputs) and, for a project that references ILGPU (<paramref name="ilgpu"/>), <c>{Model}.Ilgpu.g.cs</c>
        /// (the kernels as ILGPU C#). Throws <see cref="EmitException"/> for an inconsistent plan.
        /// </summary>
        public static ImmutableArray<EmittedFile> Emit(ExecutionPlan plan, bool ilgpu = false)
        {
            var files = ImmutableArray.CreateBuilder<EmittedFile>();
            files.Add(new EmittedFile($"{plan.ModelName}.g.cs", CSharpModelEmitter.Emit(plan)));
            files.Add(new EmittedFile($"{plan.ModelName}.Cuda.g.cs", CudaModelEmitter.Emit(plan)));
            files.Add(new EmittedFile($"{plan.ModelName}.Gpu.g.cs", CSharpGpuModelEmitter.Emit(plan)));
            if (ilgpu) files.Add(new EmittedFile($"{plan.ModelName}.Ilgpu.g.cs", IlgpuModelEmitter.Emit(plan)));
            return files.ToImmutable();
        }
    }
}
