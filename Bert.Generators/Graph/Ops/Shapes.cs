using System;
using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Common;

namespace Bert.Generators.Graph.Ops
{
    /// <summary>A shape check failed; the message names the op and the dimensions that disagree.</summary>
    internal sealed class ShapeException : Exception
    {
        public ShapeException(string message) : base(message) { }
    }

    /// <summary>
    /// What the ops' shape rules share. Sizes are symbolic monomials: compile-time dimensions are already folded into
    /// coefficients, so [Batch, Seq, 128] compares equal to itself only.
    /// </summary>
    internal static class Shapes
    {
        public static string Format(ImmutableArray<SizeExpr> shape) => "[" + string.Join(", ", shape) + "]";

        public static void Require(bool condition, string message)
        {
            if (!condition) throw new ShapeException(message);
        }

        public static void RequireRank(Value v, int rank, string what) =>
            Require(v.Rank == rank, $"{what} must have {rank} dimensions but '{v.LocalName}' is {Format(v.Shape)}");

        /// <summary>The shape without its last <paramref name="drop"/> dimensions.</summary>
        public static ImmutableArray<SizeExpr> Leading(Value v, int drop) => v.Shape.Take(v.Rank - drop).ToImmutableArray();

        public static SizeExpr Product(ImmutableArray<SizeExpr> dims) => dims.Aggregate(SizeExpr.Constant(1), (a, b) => a * b);
    }
}
