using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Common;
using Bert.Generators.Graph;
using Bert.Generators.Kernels;
using Bert.Generators.Plan;
using static Bert.Generators.Passes.Ex;

namespace Bert.Generators.Passes
{
    /// <summary>
    /// Lowers each graph node to a GEMM or to a loop kernel of the kernel IR: pointwise ops to
    /// <c>out[i] = f(loads)</c>, row ops (LayerNorm, softmax, cross-entropy) to row stages. One op per kernel
    /// here; <see cref="Fusion"/> merges them afterwards. Op semantics live in exactly this file (and its
    /// backward half), in terms of buffer loads: buffers are named by the values' model-unique names.
    /// </summary>
    internal sealed partial class Lowering
    {
        readonly ModelGraph graph;
        readonly Dictionary<string, BufferInfo> buffers = new Dictionary<string, BufferInfo>();
        readonly List<LoweredStep> steps = new List<LoweredStep>();
        /// <summary>Gradient nodes a forward kernel already computes (see <see cref="SeededGradient"/>).</summary>
        readonly HashSet<Node> loweredInForward = new HashSet<Node>();
        int backwardStart;

        Lowering(ModelGraph graph) => this.graph = graph;

        public IReadOnlyDictionary<string, BufferInfo> Buffers => buffers;
        public List<LoweredStep> Steps => steps;
        /// <summary>Index of the first backward step in <see cref="Steps"/>.</summary>
        public int BackwardStart => backwardStart;

        /// <summary>Dropout sites get disjoint Philox counter ranges of 2⁴⁰ elements each.</summary>
        public const int CounterRangeBits = 40;

        public static Lowering Run(ModelGraph graph)
        {
            var lowering = new Lowering(graph);
            foreach (var node in graph.Forward) lowering.Lower(node);
            lowering.backwardStart = lowering.steps.Count;
            foreach (var node in graph.Backward) lowering.Lower(node);
            return lowering;
        }

        public string Key(Value v)
        {
            if (!buffers.ContainsKey(v.Name))
            {
                var storage = v.Kind == ValueKind.Param ? StorageKind.ParamValue : v.Kind == ValueKind.Input ? StorageKind.Input : StorageKind.Arena;
                buffers[v.Name] = new BufferInfo(v.Name, v.LocalName, storage, v.Name, v.Type, v.Elements);
            }
            return v.Name;
        }

        public string GradKey(Value param)
        {
            string key = "∇" + param.Name;
            if (!buffers.ContainsKey(key))
                buffers[key] = new BufferInfo(key, "d_" + param.LocalName, StorageKind.ParamGrad, param.Name, ScalarType.F32, param.Elements);
            return key;
        }

        /// <summary>An arena buffer that exists only inside one op's lowering (per-row losses, a weight sum).</summary>
        string Temp(Node at, string localName, SizeExpr elements) => ArenaTemp(at.Output!.Name, localName, elements);

        /// <summary>
        /// A per-row statistic of <paramref name="of"/> that a forward kernel stores for the backward pass (e.g. the
        /// log-sum-exp of logits), keyed by the value so that the backward lowering finds it.
        /// </summary>
        string RowStatistic(Value of, string localName, SizeExpr rows) => ArenaTemp(of.Name, localName, rows);

        /// <summary>The key of a statistic the forward lowering stored with <see cref="RowStatistic"/>.</summary>
        string SavedRowStatistic(Value of, string localName)
        {
            string key = TempKey(of.Name, localName);
            if (!buffers.ContainsKey(key)) throw new System.InvalidOperationException($"The backward of '{of.LocalName}' needs its forward's {localName}, which no forward kernel stored.");
            return key;
        }

        /// <summary>An F32 arena buffer named after what it belongs to (a node's output or a value) and its role.</summary>
        string ArenaTemp(string owner, string localName, SizeExpr elements)
        {
            string key = TempKey(owner, localName);
            buffers[key] = new BufferInfo(key, localName, StorageKind.Arena, key, ScalarType.F32, elements);
            return key;
        }

        static string TempKey(string owner, string localName) => owner + "_" + localName;

        static string Out(Node node, Lowering l) => node.ParamGrad != null ? l.GradKey(node.ParamGrad) : l.Key(node.Output!);

        string OutKey(Node node) => Out(node, this);

        static bool Accumulates(Node node) => node.ParamGrad != null;

        string In(Node node, int index) => Key(node.Inputs[index]);

        Expr LoadIn(Node node, int index, Expr at) => Load(In(node, index), at);

        /// <summary><c>out[i] = value</c> over <paramref name="count"/> elements (<c>+=</c> into a parameter gradient).</summary>
        void Pointwise(Node node, SizeExpr count, Expr value) =>
            steps.Add(new LoopKernel(node, new PointwiseBody(count, List<Stmt>(new StoreStmt(OutKey(node), I, value, Accumulates(node))))));

        LoopKernel Rowwise(Node node, SizeExpr rows, SizeExpr cols, bool rowsMayCollide, params RowStage[] stages)
        {
            var kernel = new LoopKernel(node, new RowwiseBody(rows, cols, stages.ToImmutableArray(), rowsMayCollide));
            steps.Add(kernel);
            return kernel;
        }

        /// <summary>Index into an operand broadcast over leading dimensions: <c>i % operandElements</c>.</summary>
        static Expr Broadcast(Value operand, Value output) =>
            operand.Elements.Equals(output.Elements) ? I : Mod(I, operand.Elements);

        static SizeExpr Leading(Value v, int keep) => ShapeInference.Product(v.Shape.Take(v.Rank - keep).ToImmutableArray());

        static Expr At(SizeExpr cols) => MulAdd(Row, cols, J);

        void Lower(Node node)
        {
            var y = node.Output;
            switch (node.Op)
            {
                case OpKind.Gemm:
                    var s = node.Gemm!;
                    steps.Add(new GemmOp(node, s, In(node, 0), In(node, 1), OutKey(node), Accumulates(node)));
                    break;
                case OpKind.Embedding:
                {
                    var width = node.Inputs[0].Dim(1);
                    Pointwise(node, y!.Elements, LoadIn(node, 0, MulAdd(LoadIn(node, 1, IntDiv(I, width)), width, Mod(I, width))));
                    break;
                }
                case OpKind.Positions:
                    // The first `length` rows of the table are its first length·width elements.
                    Pointwise(node, y!.Elements, LoadIn(node, 0, I));
                    break;
                case OpKind.Add:
                case OpKind.Sub:
                case OpKind.Mul:
                {
                    var a = LoadIn(node, 0, Broadcast(node.Inputs[0], y!));
                    var b = LoadIn(node, 1, Broadcast(node.Inputs[1], y!));
                    Pointwise(node, y!.Elements, node.Op == OpKind.Add ? Add(a, b) : node.Op == OpKind.Sub ? Sub(a, b) : Mul(a, b));
                    break;
                }
                case OpKind.Scale:
                    Pointwise(node, y!.Elements, Mul(LoadIn(node, 0, I), F(node.Factor)));
                    break;
                case OpKind.Fill:
                    Pointwise(node, y!.Elements, F(node.Factor));
                    break;
                case OpKind.Gelu:
                {
                    var x = LoadIn(node, 0, I);
                    Pointwise(node, y!.Elements, Mul(Mul(F(0.5f), x), Add(F(1f), Unary(UnaryOp.Erf, Mul(x, F(0.70710677f))))));
                    break;
                }
                case OpKind.Relu:
                    Pointwise(node, y!.Elements, Max(LoadIn(node, 0, I), F(0f)));
                    break;
                case OpKind.Tanh:
                    Pointwise(node, y!.Elements, Unary(UnaryOp.Tanh, LoadIn(node, 0, I)));
                    break;
                case OpKind.Dropout:
                    LowerDropout(node, LoadIn(node, 0, I));
                    break;
                case OpKind.LayerNorm:
                    LowerLayerNorm(node);
                    break;
                case OpKind.MaskedSoftmax:
                    LowerMaskedSoftmax(node);
                    break;
                case OpKind.SplitHeads:
                    LowerSplitHeads(node);
                    break;
                case OpKind.MergeHeads:
                    LowerMergeHeads(node);
                    break;
                case OpKind.Gather:
                {
                    // out[b, p, c] = x[b, positions[b, p], c]
                    var x = node.Inputs[0];
                    var width = x.Dim(2);
                    var row = IntDiv(I, width);
                    var source = MulAdd(IntDiv(row, node.Inputs[1].Dim(1)), x.Dim(1), LoadIn(node, 1, row));
                    Pointwise(node, y!.Elements, LoadIn(node, 0, MulAdd(source, width, Mod(I, width))));
                    break;
                }
                case OpKind.GatherRows:
                {
                    // out[r, c] = x[rows[r], c], x's leading dimensions flattened.
                    var width = node.Inputs[0].Dim(-1);
                    Rowwise(node, node.Inputs[1].Elements, width, false,
                        new ScalarStage(List(new LetStmt("source", ScalarType.I32, LoadIn(node, 1, Row)))),
                        new MapStage(List<Stmt>(new StoreStmt(OutKey(node), At(width), LoadIn(node, 0, MulAdd(V("source"), width, J))))));
                    break;
                }
                case OpKind.Token:
                {
                    // out[b, c] = x[b, index, c]
                    var x = node.Inputs[0];
                    var width = x.Dim(2);
                    var source = MulAdd(IntDiv(I, width), x.Dim(1), N(node.Index));
                    Pointwise(node, y!.Elements, LoadIn(node, 0, MulAdd(source, width, Mod(I, width))));
                    break;
                }
                case OpKind.CrossEntropy:
                    LowerCrossEntropy(node);
                    break;
                default:
                    LowerBackward(node);
                    break;
            }
        }

        /// <summary>Inverted dropout with a regenerable mask: element i of site s keeps u(seed, offset_s + i) ≥ p.</summary>
        void LowerDropout(Node node, Expr x)
        {
            var dropped = Less(new UniformExpr(V("seed"), Add(V("offset"), I), OnlyBelow: V("p")), V("p"));
            Pointwise(node, node.Output?.Elements ?? node.ParamGrad!.Elements, Select(dropped, F(0f), Div(x, Sub(F(1f), V("p")))));
            BindDropoutScalars((LoopKernel)steps[steps.Count - 1], node);
        }

        static void BindDropoutScalars(LoopKernel kernel, Node node)
        {
            var p = node.Probability!;
            var rate = p.Hyper != null ? V(p.Hyper) : F(p.Constant);
            // Evaluation (training = false) keeps every element: p = 0.
            kernel.Scalars["p"] = new ScalarBinding(ScalarType.F32, Select(Equal(V("training"), N(1)), rate, F(0f)));
            kernel.Scalars["seed"] = new ScalarBinding(ScalarType.U64, V("seed"));
            kernel.Scalars["offset"] = new ScalarBinding(ScalarType.U64, N((long)node.Site << CounterRangeBits));
        }

        /// <summary>Row statistics of x over its last dimension: the mean and 1/√(var + eps) (two passes, for accuracy).</summary>
        static IEnumerable<RowStage> RowStatistics(System.Func<Expr> x, SizeExpr cols, float eps)
        {
            yield return new ReduceStage("sum", ReduceOp.Sum, x());
            yield return new ScalarStage(List(new LetStmt("mean", ScalarType.F32, Div(V("sum"), Unary(UnaryOp.ToF32, Size(cols))))));
            var centered = Sub(x(), V("mean"));
            yield return new ReduceStage("squares", ReduceOp.Sum, Mul(centered, centered));
            yield return new ScalarStage(List(new LetStmt("rstd", ScalarType.F32,
                Unary(UnaryOp.Rsqrt, Add(Div(V("squares"), Unary(UnaryOp.ToF32, Size(cols))), F(eps))))));
        }

        void LowerLayerNorm(Node node)
        {
            var x = node.Inputs[0];
            var cols = x.Dim(-1);
            var load = new System.Func<Expr>(() => LoadIn(node, 0, At(cols)));
            var xhat = Mul(Sub(load(), V("mean")), V("rstd"));
            var stages = RowStatistics(load, cols, node.Factor).ToList();
            stages.Add(new MapStage(List<Stmt>(new StoreStmt(OutKey(node), At(cols), Add(Mul(xhat, LoadIn(node, 1, J)), LoadIn(node, 2, J))))));
            Rowwise(node, Leading(x, 1), cols, false, stages.ToArray());
        }

        /// <summary>
        /// Softmax over the last dimension with keys j ≥ validLens[b] masked out (probability 0). Rows of batch b
        /// are the <c>rows / Batch</c> consecutive rows starting at b·rowsPerBatch.
        /// </summary>
        void LowerMaskedSoftmax(Node node)
        {
            var scores = node.Inputs[0];
            var cols = scores.Dim(-1);
            var rowsPerBatch = ShapeInference.Product(scores.Shape.Skip(1).Take(scores.Rank - 2).ToImmutableArray());
            var valid = Less(J, V("valid"));
            var shifted = new System.Func<Expr>(() => Sub(LoadIn(node, 0, At(cols)), V("rowMax")));
            Rowwise(node, Leading(scores, 1), cols, false,
                new ScalarStage(List(new LetStmt("valid", ScalarType.I32, LoadIn(node, 1, IntDiv(Row, rowsPerBatch))))),
                new ReduceStage("rowMax", ReduceOp.Max, Select(valid, LoadIn(node, 0, At(cols)), F(float.NegativeInfinity))),
                new ReduceStage("total", ReduceOp.Sum, Select(valid, Unary(UnaryOp.Exp, shifted()), F(0f))),
                new ScalarStage(List(new LetStmt("inverse", ScalarType.F32, Div(F(1f), V("total"))))),
                new MapStage(List<Stmt>(new StoreStmt(OutKey(node), At(cols), Select(valid, Mul(Unary(UnaryOp.Exp, shifted()), V("inverse")), F(0f))))));
        }

        /// <summary>
        /// [B, T, heads·D] → [B, heads, T, D]: out[b, h, t, :] = x[b, t, h·D : (h+1)·D]. One row per head slice
        /// (b, t, h) in x's order, so both sides are D contiguous elements and the index arithmetic is per row.
        /// </summary>
        void LowerSplitHeads(Node node)
        {
            var y = node.Output!;
            SizeExpr heads = y.Dim(1), seq = y.Dim(2), size = y.Dim(3);
            Rowwise(node, y.Dim(0) * heads * seq, size, false,
                new ScalarStage(List(new LetStmt("target", ScalarType.I32, HeadSlice(heads, seq)))),
                new MapStage(List<Stmt>(new StoreStmt(OutKey(node), MulAdd(V("target"), size, J), LoadIn(node, 0, At(size))))));
        }

        /// <summary>[B, heads, T, D] → [B, T, heads·D]: out[b, t, h·D : (h+1)·D] = x[b, h, t, :], one row per (b, t, h).</summary>
        void LowerMergeHeads(Node node)
        {
            var x = node.Inputs[0];
            SizeExpr heads = x.Dim(1), seq = x.Dim(2), size = x.Dim(3);
            Rowwise(node, x.Dim(0) * heads * seq, size, false,
                new ScalarStage(List(new LetStmt("source", ScalarType.I32, HeadSlice(heads, seq)))),
                new MapStage(List<Stmt>(new StoreStmt(OutKey(node), At(size), LoadIn(node, 0, MulAdd(V("source"), size, J))))));
        }

        /// <summary>For row = (b·T + t)·heads + h, the row of [B, heads, T, D] holding that slice: (b·heads + h)·T + t.</summary>
        static Expr HeadSlice(SizeExpr heads, SizeExpr seq)
        {
            var h = Mod(Row, heads);
            var t = Mod(IntDiv(Row, heads), seq);
            var b = IntDiv(Row, heads * seq);
            return MulAdd(MulAdd(b, heads, h), seq, t);
        }

        /// <summary>
        /// (Weighted) mean cross-entropy: a row kernel computes each row's w·(logsumexp − logit[label]) and keeps the
        /// row's log-sum-exp for the backward pass; a one-row kernel sums the rows and divides by Σw (or the row count).
        /// When the loss's gradient reaches this op as the constant seed (see <see cref="SeededGradient"/>), the row
        /// kernel writes the logits' gradient as well (see <see cref="LowerCrossEntropyWithGradient"/>).
        /// </summary>
        void LowerCrossEntropy(Node node)
        {
            var logits = node.Inputs[0];
            var cols = logits.Dim(-1);
            var rows = Leading(logits, 1);
            bool weighted = node.Inputs.Length == 3;
            string rowLoss = Temp(node, "rowLoss", rows);
            var weight = weighted ? LoadIn(node, 2, Row) : F(1f);
            // The row's loss from the statistics "rowMax" and "total" (Σ exp(logit − max)), in both forms.
            var lossLets = List(new LetStmt("label", ScalarType.I32, LoadIn(node, 1, Row)),
                new LetStmt(RowLogSumExp, ScalarType.F32, Add(Unary(UnaryOp.Log, V("total")), V("rowMax"))));
            var rowLossStore = new StoreStmt(rowLoss, Row, Mul(weight, Sub(V(RowLogSumExp), LoadIn(node, 0, MulAdd(Row, cols, V("label"))))));

            var seeded = graph.Fuse ? SeededGradient(node) : null;
            string? weightTotal = null;
            if (seeded != null) weightTotal = LowerCrossEntropyWithGradient(node, rows, cols, seeded.Value.Gradient, seeded.Value.Seed, lossLets, rowLossStore, weight);
            else
            {
                string logSumExp = RowStatistic(logits, LogSumExp, rows);
                var stages = SoftmaxStatistics(node, cols).ToList();
                stages.Add(new ScalarStage(lossLets, List(new StoreStmt(logSumExp, Row, V(RowLogSumExp)), rowLossStore)));
                Rowwise(node, rows, cols, false, stages.ToArray());
            }

            var total = new List<RowStage> { new ReduceStage("lossSum", ReduceOp.Sum, Load(rowLoss, J)) };
            Expr divisor = Unary(UnaryOp.ToF32, Size(rows));
            if (weightTotal != null) divisor = Load(weightTotal, N(0));
            else if (weighted)
            {
                total.Add(new ReduceStage("weightSum", ReduceOp.Sum, LoadIn(node, 2, J)));
                divisor = V("weightSum");
            }
            total.Add(new ScalarStage(ImmutableArray<LetStmt>.Empty, List(new StoreStmt(OutKey(node), N(0), Div(V("lossSum"), divisor)))));
            Rowwise(node, SizeExpr.Constant(1), rows, false, total.ToArray());
        }

        /// <summary>
        /// The cross-entropy's gradient node when the gradient it receives is the loss's constant seed (the loss is
        /// this op's output, or a sum that includes it): then dLogits needs nothing from the backward pass, and the
        /// forward kernel, which has each row of logits in cache, writes it instead of a backward kernel that would
        /// read all of the logits back and recompute every exponential.
        /// </summary>
        (Node Gradient, float Seed)? SeededGradient(Node node)
        {
            foreach (var gradient in graph.Backward)
            {
                if (gradient.Op != OpKind.CrossEntropyGrad || !gradient.Inputs[1].Equals(node.Inputs[0])) continue;
                var seed = graph.Backward.FirstOrDefault(n => n.Op == OpKind.Fill && n.Output != null && n.Output.Equals(gradient.Inputs[0]));
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
        string? LowerCrossEntropyWithGradient(Node node, SizeExpr rows, SizeExpr cols, Node gradient, float seed,
            ImmutableArray<LetStmt> lossLets, StoreStmt rowLossStore, Expr weight)
        {
            var at = At(cols);
            string dLogits = Key(gradient.Output!);
            string? weightTotal = null;
            Expr share;
            if (node.Inputs.Length == 3)
            {
                weightTotal = Temp(node, "weightTotal", SizeExpr.Constant(1));
                var sum = Rowwise(node, SizeExpr.Constant(1), rows, false,
                    new ReduceStage("weightSum", ReduceOp.Sum, LoadIn(node, 2, J)),
                    new ScalarStage(ImmutableArray<LetStmt>.Empty, List(new StoreStmt(weightTotal, N(0), V("weightSum")))));
                sum.Words.Add("WeightSum");
                share = Div(weight, Load(weightTotal, N(0)));
            }
            else share = Div(F(1f), Unary(UnaryOp.ToF32, Size(rows)));

            var kernel = Rowwise(node, rows, cols, false,
                new ReduceStage("rowMax", ReduceOp.Max, LoadIn(node, 0, at)),
                new MapStage(List<Stmt>(new StoreStmt(dLogits, at, Unary(UnaryOp.Exp, Sub(LoadIn(node, 0, at), V("rowMax")))))),
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
            loweredInForward.Add(gradient);
            return weightTotal;
        }

        /// <summary>The name of the cross-entropy forward's per-row log Σ exp(logits), which its backward reads.</summary>
        const string LogSumExp = "logSumExp", RowLogSumExp = "rowLogSumExp";

        /// <summary>Row max and Σ exp(logit − max) of the logits (input 0), for a numerically stable softmax.</summary>
        IEnumerable<RowStage> SoftmaxStatistics(Node node, SizeExpr cols)
        {
            yield return new ReduceStage("rowMax", ReduceOp.Max, LoadIn(node, 0, At(cols)));
            yield return new ReduceStage("total", ReduceOp.Sum, Unary(UnaryOp.Exp, Sub(LoadIn(node, 0, At(cols)), V("rowMax"))));
        }
    }
}
