using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Kernels;
using static Bert.Generators.Kernels.Ex;
using static Bert.Generators.Graph.Ops.Lowerings;

namespace Bert.Generators.Graph.Ops
{
    /// <summary>
    /// out[c] (+)= factor · Σ_r g[r, c]: the gradient of a value broadcast over leading dimensions (a bias, a LayerNorm γ
    /// or β), as one row per output element reading a column of g.
    /// </summary>
    internal sealed class ColumnSumOp : Op
    {
        public static readonly ColumnSumOp Instance = new ColumnSumOp();

        public override string Name => "ColumnSum";

        public override bool IsGradient => true;

        public override void Lower(Node node, IKernels k)
        {
            var target = node.Output ?? node.ParamGrad!;
            var rows = Shapes.Product(target.Shape);
            var cols = Shapes.Product(node.Inputs[0].Shape.Take(node.Inputs[0].Rank - target.Rank).ToImmutableArray());
            var sum = node.Factor == 1f ? V("columnSum") : Mul(V("columnSum"), F(node.Factor));
            k.Rowwise(node, rows, cols, false,
                new ReduceStage("columnSum", ReduceOp.Sum, k.LoadIn(node, 0, MulAdd(J, rows, Row))),
                new ScalarStage(ImmutableArray<LetStmt>.Empty, List(new StoreStmt(k.Out(node), Row, sum, Accumulates(node)))));
        }
    }
}
