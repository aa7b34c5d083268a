using System.Collections.Generic;
using System.Linq;
using Bert.Generators.Common;
using Bert.Generators.Kernels;
using static Bert.Generators.Kernels.Ex;
using static Bert.Generators.Graph.Ops.Lowerings;

namespace Bert.Generators.Graph.Ops
{
    /// <summary><c>LayerNorm(x, γ, β, eps)</c> over the last dimension: (x − mean) / √(var + eps) · γ + β.</summary>
    internal sealed class LayerNormOp : Op
    {
        public static readonly LayerNormOp Instance = new LayerNormOp();

        public override string Name => "LayerNorm";

        public override string[] Calls => new[] { "LayerNorm" };

        public override Value? Parse(IOpCall call)
        {
            Value x = call.Tensor(0)!, gamma = call.Tensor(1)!, beta = call.Tensor(2)!;
            var eps = call.Number(3, "LayerNorm's epsilon");
            if (eps == null) return null;
            return call.Emit(this, "normalized", () =>
            {
                Shapes.Require(x.Rank >= 1, "LayerNorm: the input must have at least one dimension");
                foreach (var p in new[] { gamma, beta })
                    Shapes.Require(p.Rank == 1 && p.Dim(0).Equals(x.Dim(-1)),
                        $"LayerNorm: '{p.LocalName}' must be [{x.Dim(-1)}] (the input's last dimension) but is {Shapes.Format(p.Shape)}");
                return x.Shape;
            }, new[] { x, gamma, beta }, n => n with { Factor = (float)eps.Value });
        }

        /// <summary>dx by <see cref="LayerNormGradOp"/>; dγ = Σ_rows g · x̂ (<see cref="LayerNormGammaTermOp"/>, then a column sum); dβ = Σ_rows g.</summary>
        public override void Differentiate(Node node, Value g, IGradients d)
        {
            var inputs = node.Inputs;
            var y = node.Output!;
            d.Accumulate(node, inputs[0], LayerNormGradOp.Instance, y.Shape, new[] { g, inputs[0], inputs[1] }, n => n with { Factor = node.Factor });
            if (d.Needs(inputs[1]))
            {
                var term = d.Emit(node, LayerNormGammaTermOp.Instance, inputs[1].LocalName + "Terms", y.Shape,
                    new[] { g, inputs[0] }, n => n with { Factor = node.Factor });
                d.AccumulateReduced(node, inputs[1], term);
            }
            d.AccumulateReduced(node, inputs[2], g);
        }

        public override void Lower(Node node, IKernels k)
        {
            var x = node.Inputs[0];
            var cols = x.Dim(-1);
            var load = new System.Func<Expr>(() => k.LoadIn(node, 0, At(cols)));
            var xhat = Mul(Sub(load(), V("mean")), V("rstd"));
            var stages = RowStatistics(load, cols, node.Factor).ToList();
            stages.Add(new MapStage(List<Stmt>(new StoreStmt(k.Out(node), At(cols), Add(Mul(xhat, k.LoadIn(node, 1, J)), k.LoadIn(node, 2, J))))));
            k.Rowwise(node, Leading(x, 1), cols, false, stages.ToArray());
        }

        /// <summary>Row statistics of x over its last dimension: the mean and 1/√(var + eps) (two passes, for accuracy).</summary>
        internal static IEnumerable<RowStage> RowStatistics(System.Func<Expr> x, SizeExpr cols, float eps)
        {
            yield return new ReduceStage("sum", ReduceOp.Sum, x());
            yield return new ScalarStage(List(new LetStmt("mean", ScalarType.F32, Div(V("sum"), Unary(UnaryOp.ToF32, Size(cols))))));
            var centered = Sub(x(), V("mean"));
            yield return new ReduceStage("squares", ReduceOp.Sum, Mul(centered, centered));
            yield return new ScalarStage(List(new LetStmt("rstd", ScalarType.F32,
                Unary(UnaryOp.Rsqrt, Add(Div(V("squares"), Unary(UnaryOp.ToF32, Size(cols))), F(eps))))));
        }
    }

    /// <summary>
    /// dx = rstd · (ĝ − mean(ĝ) − x̂ · mean(ĝ ⊙ x̂)) with ĝ = g ⊙ γ (inputs g, x, γ); the row statistics are recomputed
    /// from x rather than saved by the forward kernel.
    /// </summary>
    internal sealed class LayerNormGradOp : Op
    {
        public static readonly LayerNormGradOp Instance = new LayerNormGradOp();

        public override string Name => "LayerNormGrad";

        public override bool IsGradient => true;

        public override void Lower(Node node, IKernels k)
        {
            var cols = node.Inputs[1].Dim(-1);
            var xhat = new System.Func<Expr>(() => Mul(Sub(k.LoadIn(node, 1, At(cols)), V("mean")), V("rstd")));
            var ghat = new System.Func<Expr>(() => Mul(k.LoadIn(node, 0, At(cols)), k.LoadIn(node, 2, J)));
            var n = Unary(UnaryOp.ToF32, Size(cols));
            var stages = LayerNormOp.RowStatistics(() => k.LoadIn(node, 1, At(cols)), cols, node.Factor).ToList();
            stages.Add(new ReduceStage("gradSum", ReduceOp.Sum, ghat()));
            stages.Add(new ReduceStage("gradDot", ReduceOp.Sum, Mul(ghat(), xhat())));
            stages.Add(new ScalarStage(List(
                new LetStmt("gradMean", ScalarType.F32, Div(V("gradSum"), n)),
                new LetStmt("dotMean", ScalarType.F32, Div(V("gradDot"), n)))));
            stages.Add(new MapStage(List<Stmt>(new StoreStmt(k.Out(node), At(cols),
                Mul(V("rstd"), Sub(Sub(ghat(), V("gradMean")), Mul(xhat(), V("dotMean"))))))));
            k.Rowwise(node, Leading(node.Inputs[1], 1), cols, false, stages.ToArray());
        }
    }

    /// <summary>g · x̂ (inputs g, x), which a column sum turns into dγ.</summary>
    internal sealed class LayerNormGammaTermOp : Op
    {
        public static readonly LayerNormGammaTermOp Instance = new LayerNormGammaTermOp();

        public override string Name => "LayerNormGammaTerm";

        public override bool IsGradient => true;

        public override string Word(Node node) => "LayerNormGamma";

        public override void Lower(Node node, IKernels k)
        {
            var cols = node.Inputs[1].Dim(-1);
            var stages = LayerNormOp.RowStatistics(() => k.LoadIn(node, 1, At(cols)), cols, node.Factor).ToList();
            stages.Add(new MapStage(List<Stmt>(new StoreStmt(k.Out(node), At(cols),
                Mul(k.LoadIn(node, 0, At(cols)), Mul(Sub(k.LoadIn(node, 1, At(cols)), V("mean")), V("rstd")))))));
            k.Rowwise(node, Leading(node.Inputs[1], 1), cols, false, stages.ToArray());
        }
    }
}
