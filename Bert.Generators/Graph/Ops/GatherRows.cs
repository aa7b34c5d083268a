using Bert.Generators.Kernels;
using static Bert.Generators.Kernels.Ex;
using static Bert.Generators.Graph.Ops.Lowerings;

namespace Bert.Generators.Graph.Ops
{
    /// <summary><c>GatherRows(x [..., H], rows [...])</c> → [..., H]: out[r, c] = x[rows[r], c], x's leading dimensions flattened.</summary>
    internal sealed class GatherRowsOp : Op
    {
        public static readonly GatherRowsOp Instance = new GatherRowsOp();

        public override string Name => "GatherRows";

        public override string[] Calls => new[] { "GatherRows" };

        public override Value? Parse(IOpCall call)
        {
            Value x = call.Tensor(0)!, rows = call.Tensor(1)!;
            return call.Emit(this, "gathered", () =>
            {
                Shapes.Require(x.Rank >= 2, $"GatherRows: the input needs [..., Hidden] with at least 2 dimensions but '{x.LocalName}' is {Shapes.Format(x.Shape)}");
                return rows.Shape.Add(x.Dim(-1));
            }, new[] { x, rows });
        }

        public override void Differentiate(Node node, Value g, IGradients d) =>
            d.Accumulate(node, node.Inputs[0], GatherRowsGradOp.Instance, node.Inputs[0].Shape, new[] { g, node.Inputs[1] });

        public override void Lower(Node node, IKernels k)
        {
            var width = node.Inputs[0].Dim(-1);
            k.Rowwise(node, node.Inputs[1].Elements, width, false,
                new ScalarStage(List(new LetStmt("source", ScalarType.I32, k.LoadIn(node, 1, Row)))),
                new MapStage(List<Stmt>(new StoreStmt(k.Out(node), At(width), k.LoadIn(node, 0, MulAdd(V("source"), width, J))))));
        }
    }

    /// <summary>dx = 0, then dx[rows[r], c] += g[r, c]; repeated rows collide.</summary>
    internal sealed class GatherRowsGradOp : Op
    {
        public static readonly GatherRowsGradOp Instance = new GatherRowsGradOp();

        public override string Name => "GatherRowsGrad";

        public override bool IsGradient => true;

        public override void Lower(Node node, IKernels k)
        {
            var width = node.Output!.Dim(-1);
            var kernel = k.Rowwise(node, node.Inputs[1].Elements, width, true,
                new ScalarStage(List(new LetStmt("target", ScalarType.I32, k.LoadIn(node, 1, Row)))),
                new MapStage(List<Stmt>(new StoreStmt(k.Out(node), MulAdd(V("target"), width, J), k.LoadIn(node, 0, At(width)), Accumulate: true))));
            kernel.ZeroFirst.Add(k.Out(node));
        }
    }
}
