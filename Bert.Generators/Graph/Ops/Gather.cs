using System.Collections.Immutable;
using Bert.Generators.Kernels;
using static Bert.Generators.Kernels.Ex;
using static Bert.Generators.Graph.Ops.Lowerings;

namespace Bert.Generators.Graph.Ops
{
    /// <summary><c>Gather(x [B, T, H], positions [B, P])</c> → [B, P, H]: out[b, p, c] = x[b, positions[b, p], c].</summary>
    internal sealed class GatherOp : Op
    {
        public static readonly GatherOp Instance = new GatherOp();

        public override string Name => "Gather";

        public override string[] Calls => new[] { "Gather" };

        public override Value? Parse(IOpCall call)
        {
            Value x = call.Tensor(0)!, positions = call.Tensor(1)!;
            return call.Emit(this, "gathered", () =>
            {
                Shapes.RequireRank(x, 3, "Gather: the input [Batch, Seq, Hidden]");
                Shapes.RequireRank(positions, 2, "Gather: the positions [Batch, Preds]");
                Shapes.Require(positions.Dim(0).Equals(x.Dim(0)), $"Gather: the batch dimensions differ: {x.Dim(0)} vs {positions.Dim(0)}");
                return ImmutableArray.Create(x.Dim(0), positions.Dim(1), x.Dim(2));
            }, new[] { x, positions });
        }

        public override void Differentiate(Node node, Value g, IGradients d) =>
            d.Accumulate(node, node.Inputs[0], GatherGradOp.Instance, node.Inputs[0].Shape, new[] { g, node.Inputs[1] });

        public override void Lower(Node node, IKernels k)
        {
            var x = node.Inputs[0];
            var width = x.Dim(2);
            var row = IntDiv(I, width);
            var source = MulAdd(IntDiv(row, node.Inputs[1].Dim(1)), x.Dim(1), k.LoadIn(node, 1, row));
            k.Pointwise(node, node.Output!.Elements, k.LoadIn(node, 0, MulAdd(source, width, Mod(I, width))));
        }
    }

    /// <summary>dx = 0, then dx[b, positions[b, p], c] += g[b, p, c]; repeated positions collide.</summary>
    internal sealed class GatherGradOp : Op
    {
        public static readonly GatherGradOp Instance = new GatherGradOp();

        public override string Name => "GatherGrad";

        public override bool IsGradient => true;

        public override void Lower(Node node, IKernels k)
        {
            var x = node.Output!;
            var positions = node.Inputs[1];
            var width = x.Dim(2);
            var kernel = k.Rowwise(node, positions.Elements, width, true,
                new ScalarStage(List(new LetStmt("target", ScalarType.I32, MulAdd(IntDiv(Row, positions.Dim(1)), x.Dim(1), k.LoadIn(node, 1, Row))))),
                new MapStage(List<Stmt>(new StoreStmt(k.Out(node), MulAdd(V("target"), width, J), k.LoadIn(node, 0, At(width)), Accumulate: true))));
            kernel.ZeroFirst.Add(k.Out(node));
        }
    }
}
