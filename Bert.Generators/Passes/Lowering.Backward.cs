using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Common;
using Bert.Generators.Graph;
using Bert.Generators.Kernels;
using static Bert.Generators.Passes.Ex;

namespace Bert.Generators.Passes
{
    /// <summary>The backward ops autodiff emits, lowered like the forward ones (input 0 is always the incoming gradient).</summary>
    internal sealed partial class Lowering
    {
        void LowerBackward(Node node)
        {
            var count = node.Output?.Elements ?? node.ParamGrad!.Elements;
            var g = LoadIn(node, 0, I);
            switch (node.Op)
            {
                case OpKind.GeluGrad:
                {
                    // d/dx x·Φ(x) = Φ(x) + x·φ(x)
                    var x = LoadIn(node, 1, I);
                    var cdf = Mul(F(0.5f), Add(F(1f), Unary(UnaryOp.Erf, Mul(x, F(0.70710677f)))));
                    var pdf = Mul(F(0.3989423f), Unary(UnaryOp.Exp, Mul(Mul(F(-0.5f), x), x)));
                    Pointwise(node, count, Mul(g, Add(cdf, Mul(x, pdf))));
                    break;
                }
                case OpKind.ReluGrad:
                    Pointwise(node, count, Select(Less(F(0f), LoadIn(node, 1, I)), g, F(0f)));
                    break;
                case OpKind.TanhGrad:
                {
                    var y = LoadIn(node, 1, I);
                    Pointwise(node, count, Mul(g, Sub(F(1f), Mul(y, y))));
                    break;
                }
                case OpKind.DropoutGrad:
                    LowerDropout(node, g);
                    break;
                case OpKind.PositionsGrad:
                    // Only the first `length` rows of the table receive gradient.
                    Pointwise(node, node.Inputs[0].Elements, g);
                    break;
                case OpKind.TokenGrad:
                {
                    // dx[b, t, c] = t == index ? g[b, c] : 0
                    var x = node.Output!;
                    SizeExpr seq = x.Dim(1), width = x.Dim(2);
                    var t = Mod(IntDiv(I, width), seq);
                    var source = MulAdd(IntDiv(I, width * seq), width, Mod(I, width));
                    Pointwise(node, count, Select(Equal(t, N(node.Index)), LoadIn(node, 0, source), F(0f)));
                    break;
                }
                case OpKind.EmbeddingGrad:
                {
                    // dTable[ids[r], c] += g[r, c]; repeated ids collide.
                    var width = node.Inputs[0].Dim(-1);
                    Rowwise(node, node.Inputs[1].Elements, width, true,
                        new ScalarStage(List(new LetStmt("id", ScalarType.I32, LoadIn(node, 1, Row)))),
                        new MapStage(List<Stmt>(new StoreStmt(OutKey(node), MulAdd(V("id"), width, J), LoadIn(node, 0, At(width)), Accumulate: true))));
                    break;
                }
                case OpKind.GatherGrad:
                {
                    // dx = 0, then dx[b, positions[b, p], c] += g[b, p, c]; repeated positions collide.
                    var x = node.Output!;
                    var positions = node.Inputs[1];
                    var width = x.Dim(2);
                    var kernel = Rowwise(node, positions.Elements, width, true,
                        new ScalarStage(List(new LetStmt("target", ScalarType.I32, MulAdd(IntDiv(Row, positions.Dim(1)), x.Dim(1), LoadIn(node, 1, Row))))),
                        new MapStage(List<Stmt>(new StoreStmt(OutKey(node), MulAdd(V("target"), width, J), LoadIn(node, 0, At(width)), Accumulate: true))));
                    kernel.ZeroFirst.Add(OutKey(node));
                    break;
                }
                case OpKind.GatherRowsGrad:
                {
                    // dx = 0, then dx[rows[r], c] += g[r, c]; repeated rows collide.
                    var width = node.Output!.Dim(-1);
                    var kernel = Rowwise(node, node.Inputs[1].Elements, width, true,
                        new ScalarStage(List(new LetStmt("target", ScalarType.I32, LoadIn(node, 1, Row)))),
                        new MapStage(List<Stmt>(new StoreStmt(OutKey(node), MulAdd(V("target"), width, J), LoadIn(node, 0, At(width)), Accumulate: true))));
                    kernel.ZeroFirst.Add(OutKey(node));
                    break;
                }
                case OpKind.ColumnSum:
                {
                    // out[c] (+)= factor · Σ_r g[r, c]: one row per output element, reading a column of g.
                    var rows = ShapeInference.Product((node.Output ?? node.ParamGrad!).Shape);
                    var cols = ShapeInference.Product(node.Inputs[0].Shape.Take(node.Inputs[0].Rank - (node.Output ?? node.ParamGrad!).Rank).ToImmutableArray());
                    var sum = node.Factor == 1f ? V("columnSum") : Mul(V("columnSum"), F(node.Factor));
                    Rowwise(node, rows, cols, false,
                        new ReduceStage("columnSum", ReduceOp.Sum, LoadIn(node, 0, MulAdd(J, rows, Row))),
                        new ScalarStage(ImmutableArray<LetStmt>.Empty, List(new StoreStmt(OutKey(node), Row, sum, Accumulates(node)))));
                    break;
                }
                case OpKind.LayerNormGrad:
                    LowerLayerNormGrad(node);
                    break;
                case OpKind.LayerNormGammaTerm:
                {
                    // g · x̂, summed over rows afterwards into dγ.
                    var cols = node.Inputs[1].Dim(-1);
                    var stages = RowStatistics(() => LoadIn(node, 1, At(cols)), cols, node.Factor).ToList();
                    stages.Add(new MapStage(List<Stmt>(new StoreStmt(OutKey(node), At(cols),
                        Mul(LoadIn(node, 0, At(cols)), Mul(Sub(LoadIn(node, 1, At(cols)), V("mean")), V("rstd")))))));
                    Rowwise(node, Leading(node.Inputs[1], 1), cols, false, stages.ToArray());
                    break;
                }
                case OpKind.SoftmaxGrad:
                {
                    // dx = y ⊙ (g − Σ g⊙y); masked keys have y = 0 and get 0.
                    var y = node.Inputs[1];
                    var cols = y.Dim(-1);
                    Rowwise(node, Leading(y, 1), cols, false,
                        new ReduceStage("dot", ReduceOp.Sum, Mul(LoadIn(node, 0, At(cols)), LoadIn(node, 1, At(cols)))),
                        new MapStage(List<Stmt>(new StoreStmt(OutKey(node), At(cols), Mul(LoadIn(node, 1, At(cols)), Sub(LoadIn(node, 0, At(cols)), V("dot")))))));
                    break;
                }
                case OpKind.CrossEntropyGrad:
                    if (!loweredInForward.Contains(node)) LowerCrossEntropyGrad(node);
                    break;
                default:
                    throw new System.InvalidOperationException($"no lowering for {node.Op}");
            }
        }

        /// <summary>
        /// dx = rstd · (ĝ − mean(ĝ) − x̂ · mean(ĝ ⊙ x̂)) with ĝ = g ⊙ γ; the row statistics are recomputed
        /// from x rather than saved by the forward kernel.
        /// </summary>
        void LowerLayerNormGrad(Node node)
        {
            var cols = node.Inputs[1].Dim(-1);
            var xhat = new System.Func<Expr>(() => Mul(Sub(LoadIn(node, 1, At(cols)), V("mean")), V("rstd")));
            var ghat = new System.Func<Expr>(() => Mul(LoadIn(node, 0, At(cols)), LoadIn(node, 2, J)));
            var n = Unary(UnaryOp.ToF32, Size(cols));
            var stages = RowStatistics(() => LoadIn(node, 1, At(cols)), cols, node.Factor).ToList();
            stages.Add(new ReduceStage("gradSum", ReduceOp.Sum, ghat()));
            stages.Add(new ReduceStage("gradDot", ReduceOp.Sum, Mul(ghat(), xhat())));
            stages.Add(new ScalarStage(List(
                new LetStmt("gradMean", ScalarType.F32, Div(V("gradSum"), n)),
                new LetStmt("dotMean", ScalarType.F32, Div(V("gradDot"), n)))));
            stages.Add(new MapStage(List<Stmt>(new StoreStmt(OutKey(node), At(cols),
                Mul(V("rstd"), Sub(Sub(ghat(), V("gradMean")), Mul(xhat(), V("dotMean"))))))));
            Rowwise(node, Leading(node.Inputs[1], 1), cols, false, stages.ToArray());
        }

        /// <summary>
        /// dlogits = dLoss · w[r] / Σw · (exp(logits − logsumexp) − onehot(label)), in one pass over each row with the
        /// log-sum-exp the forward kernel kept; the weighted form first sums the weights with a one-row kernel.
        /// </summary>
        void LowerCrossEntropyGrad(Node node)
        {
            var logits = node.Inputs[1];
            var cols = logits.Dim(-1);
            var rows = Leading(logits, 1);
            bool weighted = node.Inputs.Length == 4;
            Expr scale;
            if (weighted)
            {
                string weightSum = Temp(node, "weightTotal", SizeExpr.Constant(1));
                Rowwise(node, SizeExpr.Constant(1), rows, false,
                    new ReduceStage("weightSum", ReduceOp.Sum, LoadIn(node, 3, J)),
                    new ScalarStage(ImmutableArray<LetStmt>.Empty, List(new StoreStmt(weightSum, N(0), V("weightSum")))));
                scale = Div(Mul(LoadIn(node, 0, N(0)), LoadIn(node, 3, Row)), Load(weightSum, N(0)));
            }
            else scale = Div(LoadIn(node, 0, N(0)), Unary(UnaryOp.ToF32, Size(rows)));

            string logSumExp = SavedRowStatistic(logits, LogSumExp);
            var stages = new RowStage[]
            {
                new ScalarStage(List(
                    new LetStmt("label", ScalarType.I32, LoadIn(node, 2, Row)),
                    new LetStmt("scale", ScalarType.F32, scale),
                    new LetStmt(RowLogSumExp, ScalarType.F32, Load(logSumExp, Row)))),
                new MapStage(List<Stmt>(new StoreStmt(OutKey(node), At(cols), Mul(V("scale"),
                    Sub(Unary(UnaryOp.Exp, Sub(LoadIn(node, 1, At(cols)), V(RowLogSumExp))), Select(Equal(J, V("label")), F(1f), F(0f))))))),
            };
            Rowwise(node, rows, cols, false, stages);
        }
    }
}
