using Bert.Generators.Kernels;
using static Bert.Generators.Kernels.Ex;
using static Bert.Generators.Graph.Ops.Lowerings;

namespace Bert.Generators.Graph.Ops
{
    /// <summary><c>Gelu(x)</c> = x·Φ(x), with the exact normal CDF Φ(x) = ½(1 + erf(x/√2)).</summary>
    internal sealed class GeluOp : ActivationOp
    {
        public static readonly GeluOp Instance = new GeluOp();

        public override string Name => "Gelu";

        public override void Differentiate(Node node, Value g, IGradients d) =>
            d.Accumulate(node, node.Inputs[0], GeluGradOp.Instance, node.Output!.Shape, new[] { g, node.Inputs[0] });

        public override void Lower(Node node, IKernels k)
        {
            var x = k.LoadIn(node, 0, I);
            k.Pointwise(node, node.Output!.Elements, Mul(Mul(F(0.5f), x), Add(F(1f), Unary(UnaryOp.Erf, Mul(x, F(0.70710677f))))));
        }
    }

    /// <summary>dx = g · (Φ(x) + x·φ(x)), the derivative of x·Φ(x).</summary>
    internal sealed class GeluGradOp : Op
    {
        public static readonly GeluGradOp Instance = new GeluGradOp();

        public override string Name => "GeluGrad";

        public override bool IsGradient => true;

        public override void Lower(Node node, IKernels k)
        {
            var x = k.LoadIn(node, 1, I);
            var cdf = Mul(F(0.5f), Add(F(1f), Unary(UnaryOp.Erf, Mul(x, F(0.70710677f)))));
            var pdf = Mul(F(0.3989423f), Unary(UnaryOp.Exp, Mul(Mul(F(-0.5f), x), x)));
            k.Pointwise(node, Count(node), Mul(k.LoadIn(node, 0, I), Add(cdf, Mul(x, pdf))));
        }
    }
}
