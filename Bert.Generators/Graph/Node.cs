using System.Collections.Immutable;
using Bert.Generators.Common;
using Bert.Generators.Graph.Ops;

namespace Bert.Generators.Graph
{
    /// <summary>
    /// A batched row-major GEMM <c>C[M, N] = Alpha · op(A) · op(B)</c> over <see cref="Batch"/> matrices.
    /// A is stored [M, K] (or [K, M] when <see cref="TransA"/>), B is stored [K, N] (or [N, K] when <see cref="TransB"/>).
    /// </summary>
    internal sealed record GemmShape(SizeExpr Batch, SizeExpr M, SizeExpr N, SizeExpr K, bool TransA, bool TransB, float Alpha);

    /// <summary>A scalar op argument: a compile-time constant or a [Hyper] field read at run time.</summary>
    internal sealed record ScalarArg(float Constant, string? Hyper = null)
    {
        public override string ToString() => Hyper ?? Constant.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// One op of the graph IR (Op: its rules, see <see cref="Graph.Ops.Op"/>; Scope: the kernel-name scope, the block field like "Encoder" or the model name;
    /// Label: the declaration op it comes from, e.g. "Dropout (EncoderBlock.cs:41)"). Most ops write <see cref="Output"/>; gradient ops that end in a parameter
    /// instead accumulate into that parameter's gradient (<see cref="ParamGrad"/>).
    /// </summary>
    internal sealed record Node(Op Op, ImmutableArray<Value> Inputs, Value? Output, string Scope, string Label)
    {
        /// <summary>The parameter whose gradient this node accumulates into (instead of writing <see cref="Output"/>).</summary>
        public Value? ParamGrad { get; init; }
        /// <summary>Prefix of the names of values created in the same scope, e.g. "Encoder0_".</summary>
        public string Prefix { get; init; } = "";

        public GemmShape? Gemm { get; init; }
        /// <summary>Scale factor, fill value or LayerNorm epsilon.</summary>
        public float Factor { get; init; }
        /// <summary>Head count (SplitHeads) or token index (Token).</summary>
        public int Index { get; init; }
        /// <summary>Dropout probability.</summary>
        public ScalarArg? Probability { get; init; }
        /// <summary>Dropout site: selects the site's own counter range so backward regenerates the same mask.</summary>
        public int Site { get; init; }

        // Nodes are identities in the graph (keys of use lists), not values.
        public bool Equals(Node? other) => ReferenceEquals(this, other);
        public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

        public override string ToString() =>
            $"{Output?.ToString() ?? "grad " + ParamGrad?.Name} = {Op}({string.Join(", ", Inputs)})";
    }
}
