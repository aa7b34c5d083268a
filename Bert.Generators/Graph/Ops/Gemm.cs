using Bert.Generators.Common;

namespace Bert.Generators.Graph.Ops
{
    /// <summary>
    /// A batched row-major GEMM, <c>C = α·op(A)·op(B)</c> (<see cref="Node.Gemm"/> gives the shape and transposes), run by
    /// a BLAS rather than a generated kernel. Built by <c>Dense(x, W, b)</c> (x · Wᵀ over the flattened leading dimensions,
    /// then a broadcast bias add), <c>MatMul(a, b)</c> and <c>MatMulTransposed(a, b)</c> (a · bᵀ).
    /// </summary>
    internal sealed class GemmOp : Op
    {
        public static readonly GemmOp Instance = new GemmOp();

        public override string Name => "Gemm";

        public override string[] Calls => new[] { "Dense", "MatMul", "MatMulTransposed" };

        public override Value? Parse(IOpCall call) => call.Name == "Dense"
            ? Dense(call, call.Tensor(0)!, call.Tensor(1)!, call.Tensor(2))
            : MatMul(call, call.Tensor(0)!, call.Tensor(1)!, call.Name == "MatMulTransposed");

        /// <summary>x [..., K] · weight[N, K]ᵀ (+ bias [N]) → [..., N].</summary>
        static Value? Dense(IOpCall call, Value x, Value weight, Value? bias)
        {
            var shape = call.Shape(() =>
            {
                Shapes.RequireRank(weight, 2, "Dense: the weight");
                Shapes.Require(x.Rank >= 1, "Dense: the input must have at least one dimension");
                Shapes.Require(x.Dim(-1).Equals(weight.Dim(1)),
                    $"Dense: the input's last dimension {x.Dim(-1)} does not match the weight's input dimension {weight.Dim(1)} (weight '{weight.LocalName}' is [out, in] = {Shapes.Format(weight.Shape)}, input '{x.LocalName}' is {Shapes.Format(x.Shape)})");
                if (bias != null)
                    Shapes.Require(bias.Rank == 1 && bias.Dim(0).Equals(weight.Dim(0)),
                        $"Dense: the bias must be [{weight.Dim(0)}] (the weight's output dimension) but '{bias.LocalName}' is {Shapes.Format(bias.Shape)}");
                return Shapes.Leading(x, 1).Add(weight.Dim(0));
            });
            if (shape == null) return null;
            var gemm = new GemmShape(SizeExpr.Constant(1), Shapes.Product(x.Shape.RemoveAt(x.Rank - 1)), weight.Dim(0), weight.Dim(1),
                TransA: false, TransB: true, Alpha: 1f);
            var product = call.Emit(Instance, "dense", shape.Value, new[] { x, weight }, n => n with { Gemm = gemm });
            return bias == null ? product : call.Emit(AddOp.Instance, "dense", shape.Value, new[] { product, bias });
        }

        /// <summary>a [..., M, K] · b [..., K, N] (or b [..., N, K] transposed) → [..., M, N].</summary>
        static Value? MatMul(IOpCall call, Value a, Value b, bool transposeB)
        {
            string op = call.Name;
            var shape = call.Shape(() =>
            {
                Shapes.Require(a.Rank >= 2 && a.Rank == b.Rank,
                    $"{op}: both operands need the same rank (at least 2), but they are {Shapes.Format(a.Shape)} and {Shapes.Format(b.Shape)}");
                for (int d = 0; d < a.Rank - 2; d++)
                    Shapes.Require(a.Shape[d].Equals(b.Shape[d]),
                        $"{op}: batch dimension {d} differs: {a.Shape[d]} vs {b.Shape[d]} ({Shapes.Format(a.Shape)} and {Shapes.Format(b.Shape)})");
                var inner = transposeB ? b.Dim(-1) : b.Dim(-2);
                Shapes.Require(a.Dim(-1).Equals(inner),
                    $"{op}: the inner dimensions differ: {a.Dim(-1)} vs {inner} ({Shapes.Format(a.Shape)} and {Shapes.Format(b.Shape)})");
                return Shapes.Leading(a, 1).Add(transposeB ? b.Dim(-2) : b.Dim(-1));
            });
            if (shape == null) return null;
            var gemm = new GemmShape(Shapes.Product(a.Shape.RemoveRange(a.Rank - 2, 2)), a.Dim(-2), shape.Value[shape.Value.Length - 1], a.Dim(-1),
                TransA: false, TransB: transposeB, Alpha: 1f);
            return call.Emit(Instance, "matmul", shape.Value, new[] { a, b }, n => n with { Gemm = gemm });
        }

        /// <summary>
        /// C = α·op(A)·op(B): dA = α·dC·op(B)ᵀ (stored transposed when A is), dB = α·op(A)ᵀ·dC (likewise),
        /// each again one GEMM with the transposes chosen so no operand is ever copied.
        /// </summary>
        public override void Differentiate(Node node, Value g, IGradients d)
        {
            var s = node.Gemm!;
            Value a = node.Inputs[0], b = node.Inputs[1];
            if (!s.TransA)
                Accumulate(node, a, g, b, s with { N = s.K, K = s.N, TransA = false, TransB = !s.TransB }, d);
            else
                Accumulate(node, a, b, g, s with { M = s.K, N = s.M, K = s.N, TransA = s.TransB, TransB = true }, d);
            if (!s.TransB)
                Accumulate(node, b, a, g, s with { M = s.K, N = s.N, K = s.M, TransA = !s.TransA, TransB = false }, d);
            else
                Accumulate(node, b, g, a, s with { M = s.N, N = s.K, K = s.M, TransA = true, TransB = s.TransA }, d);
        }

        static void Accumulate(Node node, Value target, Value left, Value right, GemmShape shape, IGradients d) =>
            d.Accumulate(node, target, Instance, target.Shape, new[] { left, right }, n => n with { Gemm = shape });

        public override void Lower(Node node, IKernels k) => k.Gemm(node);
    }
}
