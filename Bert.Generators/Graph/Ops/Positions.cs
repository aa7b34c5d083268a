using System.Collections.Immutable;
using static Bert.Generators.Kernels.Ex;
using static Bert.Generators.Graph.Ops.Lowerings;

namespace Bert.Generators.Graph.Ops
{
    /// <summary><c>Positions(table [P, H], length)</c> → [length, H]: the first length rows of a position table.</summary>
    internal sealed class PositionsOp : Op
    {
        public static readonly PositionsOp Instance = new PositionsOp();

        public override string Name => "Positions";

        public override string[] Calls => new[] { "Positions" };

        public override Value? Parse(IOpCall call)
        {
            var table = call.Tensor(0)!;
            var length = call.Length(1);
            if (length == null) return null;
            return call.Emit(this, "positions", () =>
            {
                Shapes.RequireRank(table, 2, "Positions: the table");
                return ImmutableArray.Create(length, table.Dim(1));
            }, new[] { table });
        }

        public override void Differentiate(Node node, Value g, IGradients d) =>
            d.Accumulate(node, node.Inputs[0], PositionsGradOp.Instance, node.Inputs[0].Shape, new[] { g });

        // The first `length` rows of the table are its first length·width elements.
        public override void Lower(Node node, IKernels k) => k.Pointwise(node, node.Output!.Elements, k.LoadIn(node, 0, I));
    }

    /// <summary>The table's gradient: only the first `length` rows receive one.</summary>
    internal sealed class PositionsGradOp : Op
    {
        public static readonly PositionsGradOp Instance = new PositionsGradOp();

        public override string Name => "PositionsGrad";

        public override bool IsGradient => true;


        public override void Lower(Node node, IKernels k) => k.Pointwise(node, node.Inputs[0].Elements, k.LoadIn(node, 0, I));
    }
}
