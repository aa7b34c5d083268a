using System;
using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Common;
using Bert.Generators.Graph;

namespace Bert.Generators.Passes
{
    /// <summary>A shape check failed; the message names the op and the dimensions that disagree.</summary>
    internal sealed class ShapeException : Exception
    {
        public ShapeException(string message) : base(message) { }
    }

    /// <summary>
    /// Output shapes of the declaration ops, with checks. Sizes are symbolic monomials: compile-time
    /// dimensions are already folded into coefficients, so [Batch, Seq, 128] compares equal to itself only.
    /// </summary>
    internal static class ShapeInference
    {
        public static string Format(ImmutableArray<SizeExpr> shape) => "[" + string.Join(", ", shape) + "]";

        static void Require(bool condition, string message)
        {
            if (!condition) throw new ShapeException(message);
        }

        static void RequireRank(Value v, int rank, string what) =>
            Require(v.Rank == rank, $"{what} must have {rank} dimensions but '{v.LocalName}' is {Format(v.Shape)}");

        static ImmutableArray<SizeExpr> Leading(Value v, int drop) => v.Shape.Take(v.Rank - drop).ToImmutableArray();

        public static SizeExpr Product(ImmutableArray<SizeExpr> dims) => dims.Aggregate(SizeExpr.Constant(1), (a, b) => a * b);

        public static ImmutableArray<SizeExpr> Embedding(Value table, Value ids)
        {
            RequireRank(table, 2, "Embedding: the table");
            return ids.Shape.Add(table.Dim(1));
        }

        public static ImmutableArray<SizeExpr> Positions(Value table, SizeExpr length)
        {
            RequireRank(table, 2, "Positions: the table");
            return ImmutableArray.Create(length, table.Dim(1));
        }

        /// <summary>x [..., K] · weight[N, K]ᵀ (+ bias [N]) → [..., N].</summary>
        public static ImmutableArray<SizeExpr> Dense(Value x, Value weight, Value? bias)
        {
            RequireRank(weight, 2, "Dense: the weight");
            Require(x.Rank >= 1, "Dense: the input must have at least one dimension");
            Require(x.Dim(-1).Equals(weight.Dim(1)),
                $"Dense: the input's last dimension {x.Dim(-1)} does not match the weight's input dimension {weight.Dim(1)} (weight '{weight.LocalName}' is [out, in] = {Format(weight.Shape)}, input '{x.LocalName}' is {Format(x.Shape)})");
            if (bias != null)
                Require(bias.Rank == 1 && bias.Dim(0).Equals(weight.Dim(0)),
                    $"Dense: the bias must be [{weight.Dim(0)}] (the weight's output dimension) but '{bias.LocalName}' is {Format(bias.Shape)}");
            return Leading(x, 1).Add(weight.Dim(0));
        }

        /// <summary>a [..., M, K] · b [..., K, N] (or b [..., N, K] transposed) → [..., M, N].</summary>
        public static ImmutableArray<SizeExpr> MatMul(Value a, Value b, bool transposeB, string op)
        {
            Require(a.Rank >= 2 && a.Rank == b.Rank,
                $"{op}: both operands need the same rank (at least 2), but they are {Format(a.Shape)} and {Format(b.Shape)}");
            for (int d = 0; d < a.Rank - 2; d++)
                Require(a.Shape[d].Equals(b.Shape[d]),
                    $"{op}: batch dimension {d} differs: {a.Shape[d]} vs {b.Shape[d]} ({Format(a.Shape)} and {Format(b.Shape)})");
            var inner = transposeB ? b.Dim(-1) : b.Dim(-2);
            Require(a.Dim(-1).Equals(inner),
                $"{op}: the inner dimensions differ: {a.Dim(-1)} vs {inner} ({Format(a.Shape)} and {Format(b.Shape)})");
            return Leading(a, 1).Add(transposeB ? b.Dim(-2) : b.Dim(-1));
        }

        /// <summary>Equal shapes, or one shape a suffix of the other (broadcast over the leading dimensions).</summary>
        public static ImmutableArray<SizeExpr> Broadcast(Value a, Value b, string op)
        {
            if (IsSuffix(b.Shape, a.Shape)) return a.Shape;
            if (IsSuffix(a.Shape, b.Shape)) return b.Shape;
            int n = Math.Min(a.Rank, b.Rank);
            for (int i = 1; i <= n; i++)
                if (!a.Shape[a.Rank - i].Equals(b.Shape[b.Rank - i]))
                    throw new ShapeException(
                        $"{op}: shapes {Format(a.Shape)} and {Format(b.Shape)} differ in dimension -{i} ({a.Shape[a.Rank - i]} vs {b.Shape[b.Rank - i]}); they must be equal or one a suffix of the other");
            throw new ShapeException($"{op}: shapes {Format(a.Shape)} and {Format(b.Shape)} cannot be broadcast");
        }

        public static bool IsSuffix(ImmutableArray<SizeExpr> suffix, ImmutableArray<SizeExpr> shape) =>
            suffix.Length <= shape.Length && suffix.Select((d, i) => d.Equals(shape[shape.Length - suffix.Length + i])).All(x => x);

        public static ImmutableArray<SizeExpr> LayerNorm(Value x, Value gamma, Value beta)
        {
            Require(x.Rank >= 1, "LayerNorm: the input must have at least one dimension");
            foreach (var p in new[] { gamma, beta })
                Require(p.Rank == 1 && p.Dim(0).Equals(x.Dim(-1)),
                    $"LayerNorm: '{p.LocalName}' must be [{x.Dim(-1)}] (the input's last dimension) but is {Format(p.Shape)}");
            return x.Shape;
        }

        public static ImmutableArray<SizeExpr> MaskedSoftmax(Value scores, Value validLens)
        {
            Require(scores.Rank >= 2, $"MaskedSoftmax: scores need at least 2 dimensions but are {Format(scores.Shape)}");
            Require(validLens.Rank == 1 && validLens.Dim(0).Equals(scores.Dim(0)),
                $"MaskedSoftmax: valid lengths must be [{scores.Dim(0)}] (the scores' batch dimension) but '{validLens.LocalName}' is {Format(validLens.Shape)}");
            return scores.Shape;
        }

        public static ImmutableArray<SizeExpr> SplitHeads(Value x, int heads)
        {
            RequireRank(x, 3, "SplitHeads: the input [Batch, Seq, Hidden]");
            var hidden = x.Dim(2);
            Require(heads > 0 && hidden.Coefficient % heads == 0,
                $"SplitHeads: the last dimension {hidden} is not divisible by {heads} heads");
            return ImmutableArray.Create(x.Dim(0), SizeExpr.Constant(heads), x.Dim(1), new SizeExpr(hidden.Coefficient / heads, hidden.Symbols));
        }

        public static ImmutableArray<SizeExpr> MergeHeads(Value x)
        {
            RequireRank(x, 4, "MergeHeads: the input [Batch, Heads, Seq, HeadSize]");
            return ImmutableArray.Create(x.Dim(0), x.Dim(2), x.Dim(1) * x.Dim(3));
        }

        public static ImmutableArray<SizeExpr> Gather(Value x, Value positions)
        {
            RequireRank(x, 3, "Gather: the input [Batch, Seq, Hidden]");
            RequireRank(positions, 2, "Gather: the positions [Batch, Preds]");
            Require(positions.Dim(0).Equals(x.Dim(0)),
                $"Gather: the batch dimensions differ: {x.Dim(0)} vs {positions.Dim(0)}");
            return ImmutableArray.Create(x.Dim(0), positions.Dim(1), x.Dim(2));
        }

        public static ImmutableArray<SizeExpr> GatherRows(Value x, Value rows)
        {
            Require(x.Rank >= 2, $"GatherRows: the input needs [..., Hidden] with at least 2 dimensions but '{x.LocalName}' is {Format(x.Shape)}");
            return rows.Shape.Add(x.Dim(-1));
        }

        public static ImmutableArray<SizeExpr> Token(Value x, int index)
        {
            RequireRank(x, 3, "Token: the input [Batch, Seq, Hidden]");
            Require(index >= 0 && (!x.Dim(1).IsConstant || index < x.Dim(1).Coefficient),
                $"Token: index {index} is outside the sequence dimension {x.Dim(1)}");
            return ImmutableArray.Create(x.Dim(0), x.Dim(2));
        }

        public static ImmutableArray<SizeExpr> CrossEntropy(Value logits, Value labels, Value? weights)
        {
            Require(logits.Rank >= 2, $"CrossEntropy: logits need [..., Classes] with at least 2 dimensions but are {Format(logits.Shape)}");
            Require(labels.Shape.SequenceEqual(Leading(logits, 1)),
                $"CrossEntropy: labels must be {Format(Leading(logits, 1))} (the logits without the class dimension) but '{labels.LocalName}' is {Format(labels.Shape)}");
            if (weights != null)
                Require(weights.Shape.SequenceEqual(labels.Shape),
                    $"WeightedCrossEntropy: weights must have the labels' shape {Format(labels.Shape)} but '{weights.LocalName}' is {Format(weights.Shape)}");
            return ImmutableArray<SizeExpr>.Empty;
        }
    }
}
