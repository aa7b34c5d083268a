using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Bert.Generators.Emit
{
    /// <summary>The generated files that name runtime types.</summary>
    [Flags]
    internal enum GeneratedFile
    {
        /// <summary>The model class with its CPU kernels (<c>Model.g.cs</c>).</summary>
        Cpu = 1,
        /// <summary>The GPU host program (<c>Model.Gpu.g.cs</c>).</summary>
        Gpu = 2,
        /// <summary>The ILGPU kernels and their launch table (<c>Model.Ilgpu.g.cs</c>).</summary>
        Ilgpu = 4,
        /// <summary>The assembly's list of its compiled models (<c>CompiledModelRegistry.g.cs</c>).</summary>
        Registry = 8,
    }

    /// <summary>
    /// A runtime type that generated code names by <paramref name="Name"/>; <paramref name="MetadataName"/> is where it lives.
    /// A generic type (<c>IFloatLanes`1</c>) has no alias: generated code spells it <see cref="Qualified"/>.
    /// </summary>
    internal sealed record RuntimeType(string Name, string MetadataName, GeneratedFile Files)
    {
        public bool IsGeneric => MetadataName.IndexOf('`') >= 0;

        /// <summary>The full name without the generic arity, from the global namespace.</summary>
        public string Qualified => "global::" + (IsGeneric ? MetadataName.Substring(0, MetadataName.IndexOf('`')) : MetadataName);
    }

    /// <summary>
    /// The contract between the generator and Bert.Runtime: every runtime type generated code names, in one table (with
    /// the one type of the declaration API it names, <c>Bert.Graph.Init</c>, which the runtime's parameter specs take).
    /// Each generated file opens with an alias directive per type it uses (<c>using Blas = global::Bert.Runtime.Cpu.Blas;</c>)
    /// and imports no runtime namespace, so generated code reaches the runtime only through this table. The generator
    /// checks the table against the compilation's Bert.Runtime (BERT0016 names what a stale runtime lacks), and a test
    /// checks it against the runtime assembly built beside it.
    /// </summary>
    internal static class RuntimeTargets
    {
        const GeneratedFile Cpu = GeneratedFile.Cpu, Gpu = GeneratedFile.Gpu, Ilgpu = GeneratedFile.Ilgpu, Registry = GeneratedFile.Registry;

        public static ImmutableArray<RuntimeType> Types { get; } = ImmutableArray.Create(
            // CPU kernels: GEMMs, parallel row loops, counter-based random numbers, vector math, loop grains.
            new RuntimeType("Blas", "Bert.Runtime.Cpu.Blas", Cpu),
            new RuntimeType("ParallelRows", "Bert.Runtime.Cpu.ParallelRows", Cpu),
            new RuntimeType("Philox", "Bert.Runtime.Cpu.Philox", Cpu | Ilgpu),
            new RuntimeType("KernelMath", "Bert.Runtime.Execution.KernelMath", Cpu | Ilgpu),
            new RuntimeType("KernelGrain", "Bert.Runtime.Execution.KernelGrain", Cpu),
            // Vector lanes: the kernels with vector loops are generic over them, Forward and Backward pick the width.
            new RuntimeType("IFloatLanes", "Bert.Runtime.Cpu.IFloatLanes`1", Cpu),
            new RuntimeType("FloatLanes", "Bert.Runtime.Cpu.FloatLanes", Cpu),
            new RuntimeType("Lanes256", "Bert.Runtime.Cpu.Lanes256", Cpu),
            new RuntimeType("Lanes512", "Bert.Runtime.Cpu.Lanes512", Cpu),
            // The model class: what every compiled model implements, its arena, parameters, scratch and profiler.
            new RuntimeType("ICompiledModel", "Bert.Runtime.Execution.ICompiledModel", Cpu),
            new RuntimeType("ICompiledGpuModel", "Bert.Runtime.Gpu.ICompiledGpuModel", Gpu),
            new RuntimeType("CompiledModelType", "Bert.Runtime.Execution.CompiledModelType", Registry),
            new RuntimeType("ArenaLayout", "Bert.Runtime.Execution.ArenaLayout", Cpu),
            new RuntimeType("NativeArena", "Bert.Runtime.Execution.NativeArena", Cpu),
            new RuntimeType("PinnedArray", "Bert.Runtime.Execution.PinnedArray", Cpu),
            new RuntimeType("ScratchFloats", "Bert.Runtime.Execution.ScratchFloats", Cpu),
            // The parameters' initializers: the declaration API's own enum, which the runtime reads too.
            new RuntimeType("Init", "Bert.Graph.Init", Cpu),
            new RuntimeType("ParameterSpec", "Bert.Runtime.Execution.ParameterSpec", Cpu),
            new RuntimeType("ParameterStore", "Bert.Runtime.Training.ParameterStore", Cpu),
            new RuntimeType("StepProfiler", "Bert.Runtime.Execution.StepProfiler", Cpu),
            new RuntimeType("CompiledModelException", "Bert.Runtime.Execution.CompiledModelException", Cpu | Gpu),
            // The GPU host program.
            new RuntimeType("GpuSession", "Bert.Runtime.Gpu.GpuSession", Cpu | Gpu),
            new RuntimeType("GpuDevice", "Bert.Runtime.Gpu.GpuDevice", Gpu),
            new RuntimeType("GpuOptions", "Bert.Runtime.Gpu.GpuOptions", Gpu),
            new RuntimeType("GpuProgram", "Bert.Runtime.Gpu.GpuProgram", Gpu),
            new RuntimeType("DeviceSpec", "Bert.Runtime.DeviceSpec", Gpu),
            new RuntimeType("IGpuTarget", "Bert.Runtime.Execution.IGpuTarget", Gpu),
            new RuntimeType("KernelArg", "Bert.Runtime.Execution.KernelArg", Gpu),
            // The ILGPU kernels and their launch table.
            new RuntimeType("KernelLaunch", "Bert.Runtime.Execution.KernelLaunch", Ilgpu),
            new RuntimeType("KernelArgumentKind", "Bert.Runtime.Execution.KernelArgumentKind", Ilgpu),
            new RuntimeType("GridRule", "Bert.Runtime.Execution.GridRule", Ilgpu),
            new RuntimeType("GroupReduce", "Bert.Runtime.Execution.GroupReduce", Ilgpu),
            new RuntimeType("KernelAtomics", "Bert.Runtime.Execution.KernelAtomics", Ilgpu));

        /// <summary>The alias directives a generated file starts with: one per (non-generic) runtime type it uses.</summary>
        public static IEnumerable<string> Aliases(GeneratedFile file) =>
            Types.Where(t => (t.Files & file) != 0 && !t.IsGeneric).Select(t => $"using {t.Name} = {t.Qualified};");

        /// <summary>The <c>where</c> clause of a method generic over vector lanes (<see cref="CSharpVectorRenderer.Lanes"/>).</summary>
        public static string LanesConstraint { get; } =
            $"where {CSharpVectorRenderer.Lanes} : struct, {Types.Single(t => t.Name == "IFloatLanes").Qualified}<{CSharpVectorRenderer.Lanes}>";

        /// <summary>The using directives every generated C# model file starts with.</summary>
        public static IEnumerable<string> UsingDirectives() =>
            new[] { "using System;", "using System.Linq;", "using System.Runtime.Intrinsics;" }.Concat(Aliases(GeneratedFile.Cpu));
    }
}
