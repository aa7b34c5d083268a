using System.Collections.Immutable;
using Bert.Generators.Common;
using Bert.Generators.Kernels;
using static Bert.Generators.Kernels.Ex;
using static Bert.Generators.Graph.Ops.Lowerings;

namespace Bert.Generators.Graph.Ops
{
    /// <summary>
    /// <c>SplitHeads(x [B, T, heads·D], heads)</c> → [B, heads, T, D]: out[b, h, t, :] = x[b, t, h·D : (h+1)·D]. One row per
    /// head slice (b, t, h) in x's order, so both sides are D contiguous elements and the index arithmetic is per row.
    /// Its gradient is <see cref="MergeHeadsOp"/>, and the other way round.
    /// </summary>
    internal sealed class SplitHeadsOp : Op
    {
        public static readonly SplitHeadsOp Instance = new SplitHeadsOp();

        public override string Name => "SplitHeads";

        public override string[] Calls => new[] { "SplitHeads" };

        public override Value? Parse(IOpCall call)
        {
            var x = call.Tensor(0)!;
            var heads = call.Number(1, "the number of heads");
            if (heads == null) return null;
            int count = (int)heads.Value;
            return call.Emit(this, "heads", () =>
            {
                Shapes.RequireRank(x, 3, "SplitHeads: the input [Batch, Seq, Hidden]");
                var hidden = x.Dim(2);
                Shapes.Require(count > 0 && hidden.Coefficient % count == 0, $"SplitHeads: the last dimension {hidden} is not divisible by {count} heads");
                return ImmutableArray.Create(x.Dim(0), SizeExpr.Constant(count), x.Dim(1), new SizeExpr(hidden.Coefficient / count, hidden.Symbols));
            }, new[] { x }, n => n with { Index = count });
        }

        public override void Differentiate(Node node, Value g, IGradients d) =>
            d.Accumulate(node, node.Inputs[0], MergeHeadsOp.Instance, node.Inputs[0].Shape, new[] { g });

        public override void Lower(Node node, IKernels k)
        {
            var y = node.Output!;
            SizeExpr heads = y.Dim(1), seq = y.Dim(2), size = y.Dim(3);
            k.Rowwise(node, y.Dim(0) * heads * seq, size, false,
                new ScalarStage(List(new LetStmt("target", ScalarType.I32, HeadSlice(heads, seq)))),
                new MapStage(List<Stmt>(new StoreStmt(k.Out(node), MulAdd(V("target"), size, J), k.LoadIn(node, 0, At(size))))));
        }

        /// <summary>For row = (b·T + t)·heads + h, the row of [B, heads, T, D] holding that slice: (b·heads + h)·T + t.</summary>
        internal static Expr HeadSlice(SizeExpr heads, SizeExpr seq)
        {
            var h = Mod(Row, heads);
            var t = Mod(IntDiv(Row, heads), seq);
            var b = IntDiv(Row, heads * seq);
            return MulAdd(MulAdd(b, heads, h), seq, t);
        }
    }
}
