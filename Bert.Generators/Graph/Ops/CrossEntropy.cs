using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Common;
using Bert.Generators.Kernels;
using static Bert.Generators.Kernels.Ex;
using static Bert.Generators.Graph.Ops.Lowerings;

namespace Bert.Generators.Graph.Ops
{
    /// <summary>
    /// <c>CrossEntropy(logits [..., C], labels [...])</c> and <c>WeightedCrossEntropy(logits, labels, weights)</c>: the (weighted)
    /// mean over rows of −log softmax(logits)[label], a scalar. A row kernel computes each row's w·(logsumexp − logit[label])
    /// and keeps the row's log-sum-exp for the backward pass; a one-row kernel sums the rows and divides by Σw (or the row
    /// count). When the loss's gradient reaches this op as the constant seed (see <see cref="SeededGradient"/>), the row
    /// kernel writes the logits' gradient as well (see <see cref="LowerWithGradient"/>).
    /// </summary>
    internal sealed class CrossEntropyOp : Op
    {
        public static readonly CrossEntropyOp Instance = new CrossEntropyOp();

        /// <summary>The name of the forward's per-row log Σ exp(logits), which the backward reads.</summary>
        internal const string LogSumExp = "logSumExp", RowLogSumExp = "rowLogSumExp";

        public override string Name => "CrossEntropy";

        public override string[] Calls => new[] { "CrossEntropy", "WeightedCrossEntropy" };

        public override Value? Parse(IOpCall call)
        {
            Value logits = call.Tensor(0)!, labels = call.Tensor(1)!;
            var weights = call.Name == "WeightedCrossEntropy" ? call.Tensor(2)! : null;
            return call.Emit(this, "loss", () =>
            {
                Shapes.Require(logits.Rank >= 2, $"CrossEntropy: logits need [..., Classes] with at least 2 dimensions but are {Shapes.Format(logits.Shape)}");
                Shapes.Require(labels.Shape.SequenceEqual(Shapes.Leading(logits, 1)),
                    $"CrossEntropy: labels must be {Shapes.Format(Shapes.Leading(logits, 1))} (the logits without the class dimension) but '{labels.LocalName}' is {Shapes.Format(labels.Shape)}");
                if (weights != null)
                    Shapes.Require(weights.Shape.SequenceEqual(labels.Shape),
                        $"WeightedCrossEntropy: weights must have the labels' shape {Shapes.Format(labels.Shape)} but '{weights.LocalName}' is {Shapes.Format(weights.Shape)}");
                return ImmutableArray<SizeExpr>.Empty;
            }, weights == null ? new[] { logits, labels } : new[] { logits, labels, weights });
        }

        public override void Differentiate(Node node, Value g, IGradients d) =>
            d.Accumulate(node, node.Inputs[0], CrossEntropyGradOp.Instance, node.Inputs[0].Shape, new[] { g }.Concat(node.Inputs).ToArray());

        public override void Lower(Node node, IKernels k)
        {
            var logits = node.Inputs[0];
            var cols = logits.Dim(-1);
            var rows = Leading(logits, 1);
            bool weighted = node.Inputs.Length == 3;
            string rowLoss = k.Temp(node, "rowLoss", rows);
            var weight = weighted ? k.LoadIn(node, 2, Row) : F(1f);
            // The row's loss from the statistics "rowMax" and "total" (Σ exp(logit − max)), in both forms.
            var lossLets = List(new LetStmt("label", ScalarType.I32, k.LoadIn(node, 1, Row)),
                new LetStmt(RowLogSumExp, ScalarType.F32, Add(Unary(UnaryOp.Log, V("total")), V("rowMax"))));
            var rowLossStore = new StoreStmt(rowLoss, Row, Mul(weight, Sub(V(RowLogSumExp), k.LoadIn(node, 0, MulAdd(Row, cols, V("label"))))));

            var seeded = k.Fuse ? SeededGradient(node, k) : null;
            string? weightTotal = null;
            if (seeded != null) weightTotal = LowerWithGradient(node, k, rows, cols, seeded.Value.Gradient, seeded.Value.Seed, lossLets, rowLossStore, weight);
            else
            {
                string logSumExp = k.RowStatistic(logits, LogSumExp, rows);
                var stages = SoftmaxStatistics(node, k, cols).ToList();
                stages.Add(new ScalarStage(lossLets, List(new StoreStmt(logSumExp, Row, V(RowLogSumExp)), rowLossStore)));
                k.Rowwise(node, rows, cols, false, stages.ToArray());
            }

            var total = new List<RowStage> { new ReduceStage("lossSum", ReduceOp.Sum, Load(rowLoss, J)) };
            Expr divisor = Unary(UnaryOp.ToF32, Size(rows));
            if (weightTotal != null) divisor = Load(weightTotal, N(0));
            else if (weighted)
            {
                total.Add(new ReduceStage("weightSum", ReduceOp.Sum, k.LoadIn(node, 2, J)));
                divisor = V("weightSum");
            }
            total.Add(new ScalarStage(ImmutableArray<LetStmt>.Empty, List(new StoreStmt(k.Out(node), N(0), Div(V("lossSum"), divisor)))));
            k.Rowwise(node, SizeExpr.Constant(1), rows, false, total.ToArray());
        }

        /// <summary>
        /// The cross-entropy's gradient node when the gradient it receives is the loss's constant seed (the loss is
        /// this op's output, or a sum that includes it): then dLogits needs nothing from the backward pass, and the
        /// forward kernel, which has each row of logits in cache, writes it instead of a backward kernel that would
        /// read all of the logits back and recompute every exponential.
        /// </summary>
        static (Node Gradient, float Seed)? SeededGradient(Node node, IKernels k)
        {
            foreach (var gradient in k.Backward)
            {
                if (gradient.Op != CrossEntropyGradOp.Instance || !gradient.Inputs[1].Equals(node.Inputs[0])) continue;
                var seed = k.Backward.FirstOrDefault(n => n.Op == FillOp.Instance && n.Output != null && n.Output.Equals(gradient.Inputs[0]));
                if (seed != null) return (gradient, seed.Factor);
            }
            return null;
        }

        /// <summary>
        /// Cross-entropy and its logits' gradient in one row kernel (the weighted form first sums the weights, and
        /// returns that sum's buffer for the mean): the row max; e = exp(logit − max), stored in dLogits while Σe is
        /// taken; the row's loss (<paramref name="lossLets"/>, <paramref name="rowLossStore"/>); then
        /// dLogits = seed · w[r] / Σw · (e / Σe − onehot(label)) over the stored e, so that each element costs one
        /// exponential and its row stays in cache between the passes.
        /// </summary>
        static string? LowerWithGradient(Node node, IKernels k, SizeExpr rows, SizeExpr cols, Node gradient, float seed,
            ImmutableArray<LetStmt> lossLets, StoreStmt rowLossStore, Expr weight)
        {
            var at = At(cols);
            string dLogits = k.Key(gradient.Output!);
            string? weightTotal = null;
            Expr share;
            if (node.Inputs.Length == 3)
            {
                weightTotal = k.Temp(node, "weightTotal", SizeExpr.Constant(1));
                var sum = k.Rowwise(node, SizeExpr.Constant(1), rows, false,
                    new ReduceStage("weightSum", ReduceOp.Sum, k.LoadIn(node, 2, J)),
                    new ScalarStage(ImmutableArray<LetStmt>.Empty, List(new StoreStmt(weightTotal, N(0), V("weightSum")))));
                sum.Words.Add("WeightSum");
                share = Div(weight, Load(weightTotal, N(0)));
            }
            else share = Div(F(1f), Unary(UnaryOp.ToF32, Size(rows)));

            var kernel = k.Rowwise(node, rows, cols, false,
                new ReduceStage("rowMax", ReduceOp.Max, k.LoadIn(node, 0, at)),
                new MapStage(List<Stmt>(new StoreStmt(dLogits, at, Unary(UnaryOp.Exp, Sub(k.LoadIn(node, 0, at), V("rowMax")))))),
                new ReduceStage("total", ReduceOp.Sum, Load(dLogits, at)),
                new ScalarStage(
                    lossLets.AddRange(List(
                        new LetStmt("scale", ScalarType.F32, seed == 1f ? share : Mul(F(seed), share)),
                        new LetStmt("scaleOverTotal", ScalarType.F32, Div(V("scale"), V("total"))))),
                    List(rowLossStore)),
                new MapStage(List<Stmt>(new StoreStmt(dLogits, at,
                    Sub(Mul(V("scaleOverTotal"), Load(dLogits, at)), Select(Equal(J, V("label")), V("scale"), F(0f)))))));
            kernel.SourceOps.Add(gradient.Label);
            kernel.Words.Add("Gradient");
            k.LowerInForward(gradient);
            return weightTotal;
        }

        /// <summary>Row max and Σ exp(logit − max) of the logits (input 0), for a numerically stable softmax.</summary>
        static IEnumerable<RowStage> SoftmaxStatistics(Node node, IKernels k, SizeExpr cols)
        {
            yield return new ReduceStage("rowMax", ReduceOp.Max, k.LoadIn(node, 0, At(cols)));
            yield return new ReduceStage("total", ReduceOp.Sum, Unary(UnaryOp.Exp, Sub(k.LoadIn(node, 0, At(cols)), V("rowMax"))));
        }
    }

    /// <summary>
    /// dlogits = dLoss · w[r] / Σw · (exp(logits − logsumexp) − onehot(label)) (inputs dLoss, logits, labels[, weights]), in one
    /// pass over each row with the log-sum-exp the forward kernel kept; the weighted form first sums the weights with a one-row
    /// kernel. Nothing when the forward kernel already wrote it.
    /// </summary>
    internal sealed class CrossEntropyGradOp : Op
    {
        public static readonly CrossEntropyGradOp Instance = new CrossEntropyGradOp();

        public override string Name => "CrossEntropyGrad";

        public override bool IsGradient => true;

        public override void Lower(Node node, IKernels k)
        {
            if (k.LoweredInForward(node)) return;
            var logits = node.Inputs[1];
            var cols = logits.Dim(-1);
            var rows = Leading(logits, 1);
            bool weighted = node.Inputs.Length == 4;
            Expr scale;
            if (weighted)
            {
                string weightSum = k.Temp(node, "weightTotal", SizeExpr.Constant(1));
                k.Rowwise(node, SizeExpr.Constant(1), rows, false,
                    new ReduceStage("weightSum", ReduceOp.Sum, k.LoadIn(node, 3, J)),
                    new ScalarStage(ImmutableArray<LetStmt>.Empty, List(new StoreStmt(weightSum, N(0), V("weightSum")))));
                scale = Div(Mul(k.LoadIn(node, 0, N(0)), k.LoadIn(node, 3, Row)), Load(weightSum, N(0)));
            }
            else scale = Div(k.LoadIn(node, 0, N(0)), Unary(UnaryOp.ToF32, Size(rows)));

            string logSumExp = k.SavedRowStatistic(logits, CrossEntropyOp.LogSumExp);
            var stages = new RowStage[]
            {
                new ScalarStage(List(
                    new LetStmt("label", ScalarType.I32, k.LoadIn(node, 2, Row)),
                    new LetStmt("scale", ScalarType.F32, scale),
                    new LetStmt(CrossEntropyOp.RowLogSumExp, ScalarType.F32, Load(logSumExp, Row)))),
                new MapStage(List<Stmt>(new StoreStmt(k.Out(node), At(cols), Mul(V("scale"),
                    Sub(Unary(UnaryOp.Exp, Sub(k.LoadIn(node, 1, At(cols)), V(CrossEntropyOp.RowLogSumExp))), Select(Equal(J, V("label")), F(1f), F(0f))))))),
            };
            k.Rowwise(node, rows, cols, false, stages);
        }
    }
}
