using System.Collections.Generic;
using System.Linq;
using Bert.Generators.Common;
using Bert.Generators.Kernels;
using Bert.Generators.Plan;

namespace Bert.Generators.Emit
{
    /// <summary>A private pointer property of the generated model: where one tensor lives.</summary>
    internal sealed record TensorView(string Accessor, ScalarType Type, string Address, SizeExpr Elements);

    /// <summary>
    /// Names and addresses of every tensor a generated model touches: parameter values (<c>…Param</c>) and
    /// gradients (<c>…Grad</c>) at their offsets in the contiguous stores; inputs (<c>…Input</c>) and activations
    /// in the arena, at the offsets Bind lays out (inputs first, then one region per memory-plan slot).
    /// </summary>
    internal sealed class TensorViews
    {
        readonly Dictionary<(StorageKind, string), TensorView> views = new Dictionary<(StorageKind, string), TensorView>();
        readonly List<TensorView> ordered = new List<TensorView>();
        readonly HashSet<string> accessors = new HashSet<string>();

        public TensorViews(ExecutionPlan plan)
        {
            var offset = new List<SizeExpr>();
            foreach (var p in plan.Params)
            {
                string at = offset.Count == 0 ? "" : " + " + Parenthesized(SizeText.Sum(offset));
                Add(StorageKind.ParamValue, p.Name, Identifiers.Camel(p.Name) + "Param", ScalarType.F32, "parameterValues" + at, SizeText.Product(p.Shape));
                Add(StorageKind.ParamGrad, p.Name, Identifiers.Camel(p.Name) + "Grad", ScalarType.F32, "parameterGradients" + at, SizeText.Product(p.Shape));
                offset.Add(SizeText.Product(p.Shape));
            }
            foreach (var input in plan.Inputs)
            {
                string accessor = Identifiers.Camel(input.Name) + "Input";
                Add(StorageKind.Input, input.Name, accessor, input.Type, ArenaAddress(input.Type, InputOffsetField(input)), SizeText.Product(input.Shape));
            }
            foreach (var buffer in plan.Buffers)
                Add(StorageKind.Arena, buffer.Name, Identifiers.Camel(buffer.Name), buffer.Type, ArenaAddress(buffer.Type, SlotOffsetField(buffer.Slot)), buffer.Elements);
        }

        /// <summary>Parameter values and gradients in spec order, then inputs, then activations.</summary>
        public IEnumerable<TensorView> All => ordered;

        public static string InputOffsetField(InputDecl input) => Identifiers.Camel(input.Name) + "Offset";

        public static string SlotOffsetField(int slot) => $"slot{slot}Offset";

        public TensorView this[StorageKind storage, string name] =>
            views.TryGetValue((storage, name), out var view) ? view : throw new EmitException($"The plan declares no {storage} tensor '{name}'.");

        /// <summary>The pointer expression for a tensor reference (with its element offset, if any).</summary>
        public string Pointer(TensorRef tensor, ExprRenderer renderer, TypeScope scope)
        {
            var view = this[tensor.Storage, tensor.Name];
            return tensor.ElementOffset == null ? view.Accessor : $"{view.Accessor} + {Parenthesized(renderer.Render(tensor.ElementOffset, scope))}";
        }

        public ScalarType TypeOf(TensorRef tensor) => this[tensor.Storage, tensor.Name].Type;

        /// <summary>The element count of the whole tensor a reference points into.</summary>
        public SizeExpr Elements(TensorRef tensor) => this[tensor.Storage, tensor.Name].Elements;

        void Add(StorageKind storage, string name, string accessor, ScalarType type, string address, SizeExpr elements)
        {
            if (!accessors.Add(accessor)) throw new EmitException($"Two tensors of the plan map to the same member name '{accessor}'; rename one.");
            var view = new TensorView(accessor, type, address, elements);
            views[(storage, name)] = view;
            ordered.Add(view);
        }

        /// <summary>The arena holds 4-byte elements: floats as they are, ints through a cast.</summary>
        static string ArenaAddress(ScalarType type, string offsetField) => type switch
        {
            ScalarType.F32 => $"arena.Pointer + {offsetField}",
            ScalarType.I32 => $"(int*)(arena.Pointer + {offsetField})",
            _ => throw new EmitException($"Tensors hold F32 or I32 elements, not {type}."),
        };

        /// <summary>Wraps a sum in parentheses so it can follow "+" or "*" safely (single terms stay bare).</summary>
        static string Parenthesized(string sum) => sum.Contains(" + ") || sum.Contains(" - ") || sum.Contains(" ? ") ? $"({sum})" : sum;
    }
}
