using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Kernels;
using static Bert.Generators.Kernels.Ex;
using static Bert.Generators.Graph.Ops.Lowerings;

namespace Bert.Generators.Graph.Ops
{
    /// <summary>
    /// <c>MaskedSoftmax(scores [B, ..., K], validLens [B])</c>: softmax over the last dimension with keys j ≥ validLens[b]
    /// masked out (probability 0). Rows of batch b are the <c>rows / B</c> consecutive rows starting at b·rowsPerBatch.
    /// </summary>
    internal sealed class MaskedSoftmaxOp : Op
    {
        public static readonly MaskedSoftmaxOp Instance = new MaskedSoftmaxOp();

        public override string Name => "MaskedSoftmax";

        public override string[] Calls => new[] { "MaskedSoftmax" };

        public override Value? Parse(IOpCall call)
        {
            Value scores = call.Tensor(0)!, validLens = call.Tensor(1)!;
            return call.Emit(this, "softmax", () =>
            {
                Shapes.Require(scores.Rank >= 2, $"MaskedSoftmax: scores need at least 2 dimensions but are {Shapes.Format(scores.Shape)}");
                Shapes.Require(validLens.Rank == 1 && validLens.Dim(0).Equals(scores.Dim(0)),
                    $"MaskedSoftmax: valid lengths must be [{scores.Dim(0)}] (the scores' batch dimension) but '{validLens.LocalName}' is {Shapes.Format(validLens.Shape)}");
                return scores.Shape;
            }, new[] { scores, validLens });
        }

        public override void Differentiate(Node node, Value g, IGradients d) =>
            d.Accumulate(node, node.Inputs[0], SoftmaxGradOp.Instance, node.Output!.Shape, new[] { g, node.Output! });

        public override void Lower(Node node, IKernels k)
        {
            var scores = node.Inputs[0];
            var cols = scores.Dim(-1);
            var rowsPerBatch = Shapes.Product(scores.Shape.Skip(1).Take(scores.Rank - 2).ToImmutableArray());
            var valid = Less(J, V("valid"));
            var shifted = new System.Func<Expr>(() => Sub(k.LoadIn(node, 0, At(cols)), V("rowMax")));
            k.Rowwise(node, Leading(scores, 1), cols, false,
                new ScalarStage(List(new LetStmt("valid", ScalarType.I32, k.LoadIn(node, 1, IntDiv(Row, rowsPerBatch))))),
                new ReduceStage("rowMax", ReduceOp.Max, Select(valid, k.LoadIn(node, 0, At(cols)), F(float.NegativeInfinity))),
                new ReduceStage("total", ReduceOp.Sum, Select(valid, Unary(UnaryOp.Exp, shifted()), F(0f))),
                new ScalarStage(List(new LetStmt("inverse", ScalarType.F32, Div(F(1f), V("total"))))),
                new MapStage(List<Stmt>(new StoreStmt(k.Out(node), At(cols), Select(valid, Mul(Unary(UnaryOp.Exp, shifted()), V("inverse")), F(0f))))));
        }
    }

    /// <summary>dx = y ⊙ (g − Σ g⊙y) (inputs g, y); masked keys have y = 0 and get 0.</summary>
    internal sealed class SoftmaxGradOp : Op
    {
        public static readonly SoftmaxGradOp Instance = new SoftmaxGradOp();

        public override string Name => "SoftmaxGrad";

        public override bool IsGradient => true;

        public override void Lower(Node node, IKernels k)
        {
            var y = node.Inputs[1];
            var cols = y.Dim(-1);
            k.Rowwise(node, Leading(y, 1), cols, false,
                new ReduceStage("dot", ReduceOp.Sum, Mul(k.LoadIn(node, 0, At(cols)), k.LoadIn(node, 1, At(cols)))),
                new MapStage(List<Stmt>(new StoreStmt(k.Out(node), At(cols), Mul(k.LoadIn(node, 1, At(cols)), Sub(k.LoadIn(node, 0, At(cols)), V("dot")))))));
        }
    }
}
