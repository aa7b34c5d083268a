using System.Collections.Generic;
using System.Linq;
using Bert.Generators.Common;
using Bert.Generators.Kernels;
using Bert.Generators.Plan;

namespace Bert.Generators.Emit
{
    /// <summary>Which store of the generated model a tensor lives in; the GPU session mirrors each one.</summary>
    internal enum TensorRegion { ParameterValues, ParameterGradients, Arena }

    /// <summary>
    /// Where one tensor lives: an element <paramref name="Offset"/> (C# source) into a <paramref name="Region"/>. The
    /// host pointer property (<paramref name="Accessor"/>) and the device address method (<see cref="DeviceAccessor"/>)
    /// both derive from it, so the CPU and GPU programs cannot disagree about the layout.
    /// </summary>
    internal sealed record TensorView(string Accessor, ScalarType Type, TensorRegion Region, string Offset, SizeExpr Elements)
    {
        /// <summary>The host pointer expression, e.g. <c>parameterValues + 16 * Vocab</c> or <c>(int*)(arena.Pointer + tokensOffset)</c>.</summary>
        public string HostAddress => Region switch
        {
            TensorRegion.ParameterValues => "parameterValues" + Plus(Offset),
            TensorRegion.ParameterGradients => "parameterGradients" + Plus(Offset),
            _ => Type switch
            {
                ScalarType.F32 => "arena.Pointer" + Plus(Offset),
                ScalarType.I32 => $"(int*)(arena.Pointer{Plus(Offset)})",
                _ => throw new EmitException($"Tensors hold F32 or I32 elements, not {Type}."),
            },
        };

        /// <summary>The generated method giving the tensor's device address in a GpuSession: <c>xOn(gpu)</c>.</summary>
        public string DeviceAccessor => Accessor + "On";

        /// <summary>The GpuSession call that turns an element offset of this view's region into a device address.</summary>
        public string DeviceAddress(string at) =>
            $"gpu.{(Region == TensorRegion.ParameterValues ? "ParameterAt" : Region == TensorRegion.ParameterGradients ? "GradientAt" : "ArenaAt")}" +
            $"({(Offset == "0" ? at : Offset + " + " + at)})";

        static string Plus(string offset) => offset == "0" ? "" : " + " + TensorViews.Parenthesized(offset);
    }

    /// <summary>
    /// Names and addresses of every tensor a generated model touches: parameter values (<c>…Param</c>) and
    /// gradients (<c>…Grad</c>) at their offsets in the contiguous stores; inputs (<c>…Input</c>) and activations
    /// in the arena, at the offsets Bind lays out (inputs first, then one region per memory-plan slot).
    /// </summary>
    internal sealed class TensorViews
    {
        readonly Dictionary<(StorageKind, string), TensorView> views = new Dictionary<(StorageKind, string), TensorView>();
        readonly List<TensorView> ordered = new List<TensorView>();
        readonly HashSet<string> members = new HashSet<string>();

        public TensorViews(ExecutionPlan plan)
        {
            var offset = new List<SizeExpr>();
            foreach (var p in plan.Params)
            {
                string at = SizeText.Sum(offset);
                Add(StorageKind.ParamValue, p.Name, Identifiers.Camel(p.Name) + "Param", ScalarType.F32, TensorRegion.ParameterValues, at, SizeText.Product(p.Shape));
                Add(StorageKind.ParamGrad, p.Name, Identifiers.Camel(p.Name) + "Grad", ScalarType.F32, TensorRegion.ParameterGradients, at, SizeText.Product(p.Shape));
                offset.Add(SizeText.Product(p.Shape));
            }
            foreach (var input in plan.Inputs)
                Add(StorageKind.Input, input.Name, Identifiers.Camel(input.Name) + "Input", input.Type, TensorRegion.Arena, InputOffsetField(input), SizeText.Product(input.Shape));
            foreach (var buffer in plan.Buffers)
                Add(StorageKind.Arena, buffer.Name, Identifiers.Camel(buffer.Name), buffer.Type, TensorRegion.Arena, SlotOffsetField(buffer.Slot), buffer.Elements);
        }

        /// <summary>Parameter values and gradients in spec order, then inputs, then activations.</summary>
        public IEnumerable<TensorView> All => ordered;

        public static string InputOffsetField(InputDecl input) => Identifiers.Camel(input.Name) + "Offset";

        public static string SlotOffsetField(int slot) => $"slot{slot}Offset";

        public TensorView this[StorageKind storage, string name] =>
            views.TryGetValue((storage, name), out var view) ? view : throw new EmitException($"The plan declares no {storage} tensor '{name}'.");

        public TensorView this[TensorRef tensor] => this[tensor.Storage, tensor.Name];

        public ScalarType TypeOf(TensorRef tensor) => this[tensor].Type;

        void Add(StorageKind storage, string name, string accessor, ScalarType type, TensorRegion region, string offset, SizeExpr elements)
        {
            var view = new TensorView(accessor, type, region, offset, elements);
            foreach (string member in new[] { view.Accessor, view.DeviceAccessor })
                if (!members.Add(member)) throw new EmitException($"Two tensors of the plan map to the same member name '{member}'; rename one.");
            views[(storage, name)] = view;
            ordered.Add(view);
        }

        /// <summary>Wraps a sum in parentheses so it can follow "+" or "*" safely (single terms stay bare).</summary>
        public static string Parenthesized(string sum) => sum.Contains(" + ") || sum.Contains(" - ") || sum.Contains(" ? ") ? $"({sum})" : sum;
    }
}
