using Bert.Generators.Kernels;
using static Bert.Generators.Kernels.Ex;
using static Bert.Generators.Graph.Ops.Lowerings;

namespace Bert.Generators.Graph.Ops
{
    /// <summary><c>Embedding(table [V, H], ids [...])</c> → [..., H]: row ids[i] of the table for each id.</summary>
    internal sealed class EmbeddingOp : Op
    {
        public static readonly EmbeddingOp Instance = new EmbeddingOp();

        public override string Name => "Embedding";

        public override string[] Calls => new[] { "Embedding" };

        public override Value? Parse(IOpCall call)
        {
            Value table = call.Tensor(0)!, ids = call.Tensor(1)!;
            return call.Emit(this, "embedding", () =>
            {
                Shapes.RequireRank(table, 2, "Embedding: the table");
                return ids.Shape.Add(table.Dim(1));
            }, new[] { table, ids });
        }

        public override void Differentiate(Node node, Value g, IGradients d) =>
            d.Accumulate(node, node.Inputs[0], EmbeddingGradOp.Instance, node.Inputs[0].Shape, new[] { g, node.Inputs[1] });

        public override void Lower(Node node, IKernels k)
        {
            var width = node.Inputs[0].Dim(1);
            k.Pointwise(node, node.Output!.Elements, k.LoadIn(node, 0, MulAdd(k.LoadIn(node, 1, IntDiv(I, width)), width, Mod(I, width))));
        }
    }

    /// <summary>The table's gradient: dTable[ids[r], c] += g[r, c]; repeated ids collide.</summary>
    internal sealed class EmbeddingGradOp : Op
    {
        public static readonly EmbeddingGradOp Instance = new EmbeddingGradOp();

        public override string Name => "EmbeddingGrad";

        public override bool IsGradient => true;


        public override void Lower(Node node, IKernels k)
        {
            var width = node.Inputs[0].Dim(-1);
            k.Rowwise(node, node.Inputs[1].Elements, width, true,
                new ScalarStage(List(new LetStmt("id", ScalarType.I32, k.LoadIn(node, 1, Row)))),
                new MapStage(List<Stmt>(new StoreStmt(k.Out(node), MulAdd(V("id"), width, J), k.LoadIn(node, 0, At(width)), Accumulate: true))));
        }
    }
}
