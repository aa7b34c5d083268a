using System.Collections.Generic;
using System.Linq;
using Bert.Generators.Common;
using Bert.Generators.Kernels;

namespace Bert.Generators.Emit
{
    /// <summary>A kernel step's bound arguments, rendered as C# and checked against the kernel's signature.</summary>
    internal sealed class KernelCallArguments
    {
        public KernelCallArguments(IReadOnlyList<string> buffers, IReadOnlyList<(string Value, ScalarType Type)> scalars, IReadOnlyList<string> symbols)
        {
            Buffers = buffers;
            Scalars = scalars;
            Symbols = symbols;
        }

        /// <summary>Pointers (CPU) or device addresses (GPU), in kernel buffer order.</summary>
        public IReadOnlyList<string> Buffers { get; }

        /// <summary>Scalar values in kernel order, with the kernel's declared types.</summary>
        public IReadOnlyList<(string Value, ScalarType Type)> Scalars { get; }

        /// <summary>The run-time dimensions the kernel's sizes use, as the model's fields.</summary>
        public IReadOnlyList<string> Symbols { get; }
    }

    /// <summary>
    /// How the generated host program spells each kind of step for one execution target. The step walk
    /// (<see cref="CSharpStepEmitter"/>) validates the plan, renders scalars and offsets and writes the comments;
    /// a target only says which function a step calls and how tensors are addressed.
    /// </summary>
    internal abstract class StepTarget
    {
        /// <summary>The address of <paramref name="view"/>, moved <paramref name="elementOffset"/> elements in when given.</summary>
        public abstract string Pointer(TensorView view, string? elementOffset);

        /// <summary>The call of a fused kernel: function name and argument groups (one line each when the call wraps).</summary>
        public abstract (string Function, IReadOnlyList<IReadOnlyList<string>> Groups) Kernel(Kernel kernel, KernelCallArguments arguments);

        /// <summary>The row-major GEMM function, whose arguments follow <c>Blas.Sgemm</c>/<c>Blas.SgemmStridedBatched</c>.</summary>
        public abstract string Gemm(bool batched);

        /// <summary>The statement that zeroes <paramref name="elements"/> elements of type <paramref name="elementType"/> at <paramref name="pointer"/>.</summary>
        public abstract string Zero(string pointer, string elementType, SizeExpr elements);

        /// <summary>The statement that zeroes the whole gradient store.</summary>
        public abstract string ZeroGradients { get; }

        /// <summary>
        /// The statement after a kernel or GEMM step that times it under <paramref name="label"/>, if the target profiles;
        /// a GEMM's also counts its floating-point operations (<paramref name="flops"/>, a double expression).
        /// </summary>
        public virtual string? Lap(string label, string? flops = null) => null;
    }

    /// <summary>The CPU program: kernels are private static methods on pointers, GEMMs go to <c>Blas</c>, zeroing clears a span.</summary>
    internal sealed class CpuStepTarget : StepTarget
    {
        public static readonly CpuStepTarget Instance = new CpuStepTarget();

        public override string Pointer(TensorView view, string? elementOffset)
        {
            string address = view.Inline ? view.HostAddress : view.Accessor;
            return elementOffset == null ? address : $"{address} + {TensorViews.Parenthesized(elementOffset)}";
        }

        /// <summary>A kernel method's call; groups: tensors, scalars, dimensions.</summary>
        public override (string Function, IReadOnlyList<IReadOnlyList<string>> Groups) Kernel(Kernel kernel, KernelCallArguments arguments) =>
            (CSharpKernelEmitter.MethodName(kernel), new[] { arguments.Buffers, arguments.Scalars.Select(s => s.Value).ToList(), arguments.Symbols }.Where(g => g.Count > 0).ToList());

        public override string Gemm(bool batched) => batched ? "Blas.SgemmStridedBatched" : "Blas.Sgemm";

        public override string Zero(string pointer, string elementType, SizeExpr elements) => $"new Span<{elementType}>({pointer}, {elements}).Clear();";

        public override string ZeroGradients => "Array.Clear(ParameterGradients);";

        /// <summary>Forward and Backward hold the model's <c>StepProfiler</c> (or null) in the local <c>profiler</c>.</summary>
        public override string? Lap(string label, string? flops = null) =>
            flops == null ? $"profiler?.Lap({Identifiers.Quote(label)});" : $"profiler?.Lap({Identifiers.Quote(label)}, {flops});";
    }

    /// <summary>
    /// The GPU program: kernels launch through <c>gpu.Launch</c> by their index in <c>KernelLaunches.Launches</c>, over the
    /// work their launch rule covers, with scalars encoded as argument slots; GEMMs and zeroing are session calls on
    /// device addresses (<c>xOn(gpu)</c>).
    /// </summary>
    internal sealed class GpuStepTarget : StepTarget
    {
        public static readonly GpuStepTarget Instance = new GpuStepTarget();

        public override string Pointer(TensorView view, string? elementOffset) =>
            view.Inline ? view.DeviceAddress(elementOffset)
            : elementOffset == null ? $"{view.DeviceAccessor}(gpu)" : $"{view.DeviceAccessor}(gpu, {elementOffset})";

        /// <summary>A launch; groups: kernel and work, device tensors, scalars, dimensions.</summary>
        public override (string Function, IReadOnlyList<IReadOnlyList<string>> Groups) Kernel(Kernel kernel, KernelCallArguments arguments)
        {
            var work = LaunchRule.For(kernel).Work;
            var groups = new List<IReadOnlyList<string>> { new[] { "KernelLaunches." + kernel.Name, SizeText.Render(work, asLong: true) } };
            if (arguments.Buffers.Count > 0) groups.Add(arguments.Buffers);
            if (arguments.Scalars.Count > 0) groups.Add(arguments.Scalars.Select(s => Slot(s.Type, s.Value)).ToList());
            if (arguments.Symbols.Count > 0) groups.Add(arguments.Symbols.Select(s => Slot(ScalarType.I32, s)).ToList());
            return ("gpu.Launch", groups);
        }

        public override string Gemm(bool batched) => batched ? "gpu.GemmStridedBatched" : "gpu.Gemm";

        public override string Zero(string pointer, string elementType, SizeExpr elements) => $"gpu.Zero({pointer}, {SizeText.Render(elements, asLong: true)});";

        public override string ZeroGradients => "gpu.Zero(gpu.GradientAt(0), ParameterGradients.Length);";

        static string Slot(ScalarType type, string value) => type switch
        {
            ScalarType.F32 => $"KernelArg.Float({value})",
            ScalarType.I32 => $"KernelArg.Int({value})",
            _ => $"KernelArg.UInt64({value})",
        };
    }
}
