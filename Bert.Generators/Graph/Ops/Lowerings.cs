using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Common;
using Bert.Generators.Kernels;
using static Bert.Generators.Kernels.Ex;

namespace Bert.Generators.Graph.Ops
{
    /// <summary>What the ops' lowerings share: loads of a node's inputs and the index arithmetic of rows and broadcasts.</summary>
    internal static class Lowerings
    {
        /// <summary>The buffer of input <paramref name="index"/>.</summary>
        public static string In(this IKernels k, Node node, int index) => k.Key(node.Inputs[index]);

        /// <summary>Element <paramref name="at"/> of input <paramref name="index"/>.</summary>
        public static Expr LoadIn(this IKernels k, Node node, int index, Expr at) => Load(k.In(node, index), at);

        /// <summary>Whether the node adds into a parameter's gradient instead of writing an output.</summary>
        public static bool Accumulates(Node node) => node.ParamGrad != null;

        /// <summary>The elements the node writes.</summary>
        public static SizeExpr Count(Node node) => node.Output?.Elements ?? node.ParamGrad!.Elements;

        /// <summary>Index into an operand broadcast over leading dimensions: <c>i % operandElements</c>.</summary>
        public static Expr Broadcast(Value operand, Value output) =>
            operand.Elements.Equals(output.Elements) ? I : Mod(I, operand.Elements);

        /// <summary>The product of the dimensions before the last <paramref name="keep"/>: the rows of a row kernel.</summary>
        public static SizeExpr Leading(Value v, int keep) => Shapes.Product(v.Shape.Take(v.Rank - keep).ToImmutableArray());

        /// <summary>Element (row, j) of a row of <paramref name="cols"/> elements.</summary>
        public static Expr At(SizeExpr cols) => MulAdd(Row, cols, J);
    }
}
