using System;
using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Common;
using Bert.Generators.Kernels;
using static Bert.Generators.Graph.Ops.Lowerings;

namespace Bert.Generators.Graph.Ops
{
    /// <summary>
    /// An elementwise op of two tensors, written with an operator in a [Forward] method (<c>a + b</c>): equal shapes, or one
    /// a suffix of the other, broadcast over the leading dimensions (a bias over rows).
    /// </summary>
    internal abstract class ArithmeticOp : Op
    {
        /// <summary>The name the result takes until a local names it ("sum").</summary>
        public abstract string ResultName { get; }

        /// <summary>The element of the output from the elements of the two operands.</summary>
        protected abstract Expr Combine(Expr a, Expr b);

        /// <summary>The output shape: the longer of the two, when the shorter is its suffix.</summary>
        public ImmutableArray<SizeExpr> Shape(Value a, Value b)
        {
            if (IsSuffix(b.Shape, a.Shape)) return a.Shape;
            if (IsSuffix(a.Shape, b.Shape)) return b.Shape;
            int n = Math.Min(a.Rank, b.Rank);
            for (int i = 1; i <= n; i++)
                if (!a.Shape[a.Rank - i].Equals(b.Shape[b.Rank - i]))
                    throw new ShapeException(
                        $"{Name}: shapes {Shapes.Format(a.Shape)} and {Shapes.Format(b.Shape)} differ in dimension -{i} ({a.Shape[a.Rank - i]} vs {b.Shape[b.Rank - i]}); they must be equal or one a suffix of the other");
            throw new ShapeException($"{Name}: shapes {Shapes.Format(a.Shape)} and {Shapes.Format(b.Shape)} cannot be broadcast");
        }

        static bool IsSuffix(ImmutableArray<SizeExpr> suffix, ImmutableArray<SizeExpr> shape) =>
            suffix.Length <= shape.Length && suffix.Select((d, i) => d.Equals(shape[shape.Length - suffix.Length + i])).All(x => x);

        public override void Lower(Node node, IKernels k)
        {
            var y = node.Output!;
            k.Pointwise(node, y.Elements, Combine(k.LoadIn(node, 0, Broadcast(node.Inputs[0], y)), k.LoadIn(node, 1, Broadcast(node.Inputs[1], y))));
        }
    }
}
