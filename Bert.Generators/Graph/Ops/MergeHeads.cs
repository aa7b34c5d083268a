using System.Collections.Immutable;
using Bert.Generators.Common;
using Bert.Generators.Kernels;
using static Bert.Generators.Kernels.Ex;
using static Bert.Generators.Graph.Ops.Lowerings;

namespace Bert.Generators.Graph.Ops
{
    /// <summary><c>MergeHeads(x [B, heads, T, D])</c> → [B, T, heads·D]: out[b, t, h·D : (h+1)·D] = x[b, h, t, :], one row per (b, t, h).</summary>
    internal sealed class MergeHeadsOp : Op
    {
        public static readonly MergeHeadsOp Instance = new MergeHeadsOp();

        public override string Name => "MergeHeads";

        public override string[] Calls => new[] { "MergeHeads" };

        public override Value? Parse(IOpCall call)
        {
            var x = call.Tensor(0)!;
            return call.Emit(this, "merged", () =>
            {
                Shapes.RequireRank(x, 4, "MergeHeads: the input [Batch, Heads, Seq, HeadSize]");
                return ImmutableArray.Create(x.Dim(0), x.Dim(2), x.Dim(1) * x.Dim(3));
            }, new[] { x });
        }

        public override void Differentiate(Node node, Value g, IGradients d) =>
            d.Accumulate(node, node.Inputs[0], SplitHeadsOp.Instance, node.Inputs[0].Shape, new[] { g }, n => n with { Index = (int)node.Inputs[0].Dim(1).Coefficient });

        public override void Lower(Node node, IKernels k)
        {
            var x = node.Inputs[0];
            SizeExpr heads = x.Dim(1), seq = x.Dim(2), size = x.Dim(3);
            k.Rowwise(node, x.Dim(0) * heads * seq, size, false,
                new ScalarStage(List(new LetStmt("source", ScalarType.I32, SplitHeadsOp.HeadSlice(heads, seq)))),
                new MapStage(List<Stmt>(new StoreStmt(k.Out(node), At(size), k.LoadIn(node, 0, MulAdd(V("source"), size, J))))));
        }
    }
}
