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
        /// <c>{Model}.g.cs</c> (the model class, its CPU program and kernels) and, for a project that references ILGPU
        /// (<paramref name="ilgpu"/>; the runtime does), the GPU half: <c>{Model}.Ilgpu.g.cs</c> (the kernels as ILGPU C#
        /// and their launch table) and <c>{Model}.Gpu.g.cs</c> (the GPU host program: OpenGpu, ForwardOn, BackwardOn,
        /// DownloadOutputs). The plan is a verified one (<see cref="PlanVerifier"/>); <see cref="EmitException"/> reports what cannot be printed.
        /// </summary>
        public static ImmutableArray<EmittedFile> Emit(ExecutionPlan plan, bool ilgpu = false)
        {
            var files = ImmutableArray.CreateBuilder<EmittedFile>();
            var layout = new ModelLayout(plan);
            files.Add(new EmittedFile($"{plan.ModelName}.g.cs", CSharpModelEmitter.Emit(plan, layout)));
            if (!ilgpu) return files.ToImmutable();
            files.Add(new EmittedFile($"{plan.ModelName}.Ilgpu.g.cs", IlgpuModelEmitter.Emit(plan)));
            files.Add(new EmittedFile($"{plan.ModelName}.Gpu.g.cs", CSharpGpuModelEmitter.Emit(plan, layout)));
            return files.ToImmutable();
        }
    }
}
