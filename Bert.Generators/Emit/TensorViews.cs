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

        /// <summary>The GpuSession call that turns an element offset of this view's region (moved <paramref name="at"/> further in, when given) into a device address.</summary>
        public string DeviceAddress(string? at) =>
            $"gpu.{(Region == TensorRegion.ParameterValues ? "ParameterAt" : Region == TensorRegion.ParameterGradients ? "GradientAt" : "ArenaAt")}" +
            $"({(at == null ? Offset : Offset == "0" ? at : Offset + " + " + at)})";

        /// <summary>Whether code addresses the tensor by <see cref="HostAddress"/> or <see cref="DeviceAddress"/> (its offset is a loop's table entry) instead of its members.</summary>
        public bool Inline { get; init; }

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
        readonly Dictionary<string, (string Symbolic, long Constant)> parameterOffsets = new Dictionary<string, (string, long)>();

        public TensorViews(ExecutionPlan plan)
        {
            var offset = new List<SizeExpr>();
            foreach (var p in plan.Params)
            {
                string at = SizeText.Sum(offset);
                string symbolic = SizeText.Sum(offset.Where(t => !t.IsConstant));
                parameterOffsets[p.Name] = (symbolic == "0" ? "" : symbolic, offset.Where(t => t.IsConstant).Sum(t => t.Coefficient));
                Add(StorageKind.ParamValue, p.Name, Identifiers.Camel(p.Name) + "Param", ScalarType.F32, TensorRegion.ParameterValues, at, SizeText.Product(p.Shape));
                Add(StorageKind.ParamGrad, p.Name, Identifiers.Camel(p.Name) + "Grad", ScalarType.F32, TensorRegion.ParameterGradients, at, SizeText.Product(p.Shape));
                offset.Add(SizeText.Product(p.Shape));
            }
            foreach (var input in plan.Inputs)
                Add(StorageKind.Input, input.Name, Identifiers.Camel(input.Name) + "Input", input.Type, TensorRegion.Arena, InputOffsetField(input), SizeText.Product(input.Shape));
            foreach (var buffer in plan.Buffers)
                Add(StorageKind.Arena, buffer.Name, Identifiers.Camel(buffer.Name), buffer.Type, TensorRegion.Arena, SlotOffset(buffer.Slot), buffer.Elements);
        }

        /// <summary>
        /// The views that generated code names by their members, in order (parameter values and gradients in spec order, then inputs, then activations): the inputs, outputs and loss,
        /// and every tensor a step names, except where a loop body reaches it through its block's table.
        /// </summary>
        public IEnumerable<TensorView> Named(ExecutionPlan plan)
        {
            var named = new HashSet<(StorageKind, string)>(plan.Inputs.Select(i => (StorageKind.Input, i.Name))
                .Concat(plan.Outputs.Select(o => (o.Tensor.Storage, o.Tensor.Name))).Append((plan.Loss.Storage, plan.Loss.Name)));
            foreach (bool backward in new[] { false, true })
            {
                var steps = backward ? plan.Backward : plan.Forward;
                var loops = plan.Loops.Where(l => l.Backward == backward).ToList();
                for (int i = 0; i < steps.Length; i++)
                {
                    var loop = loops.FirstOrDefault(l => l.Covers(i));
                    var printing = loop?.Printing(i);
                    if (printing == LoopPrinting.None) continue;
                    var tabled = new HashSet<TensorRef>();
                    if (printing == LoopPrinting.Body) tabled.UnionWith(loop!.Tensors.Select(t => t.Body));
                    foreach (var tensor in steps[i].Tensors().Where(t => !tabled.Contains(t))) named.Add((tensor.Storage, tensor.Name));
                }
            }
            var wanted = new HashSet<TensorView>(named.Select(key => views[key]));
            return ordered.Where(wanted.Contains);
        }

        /// <summary>A parameter's element offset in the stores as its symbolic terms ("" when none) and its constant: <c>128 * Vocab</c> and 2304.</summary>
        public (string Symbolic, long Constant) ParameterOffset(string parameter) => parameterOffsets[parameter];

        public static string InputOffsetField(InputDecl input) => Identifiers.Camel(input.Name) + "Offset";

        /// <summary>The array of the memory slots' arena offsets, which Bind fills.</summary>
        public const string SlotOffsets = "slotOffsets";

        /// <summary>Slot <paramref name="slot"/>'s arena offset: <c>slotOffsets[3]</c>.</summary>
        public static string SlotOffset(int slot) => $"{SlotOffsets}[{slot}]";

        public TensorView this[StorageKind storage, string name] => views[(storage, name)];

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
