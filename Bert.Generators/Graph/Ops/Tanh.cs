using Bert.Generators.Kernels;
using static Bert.Generators.Kernels.Ex;
using static Bert.Generators.Graph.Ops.Lowerings;

namespace Bert.Generators.Graph.Ops
{
    /// <summary><c>Tanh(x)</c>.</summary>
    internal sealed class TanhOp : ActivationOp
    {
        public static readonly TanhOp Instance = new TanhOp();

        public override string Name => "Tanh";

        public override void Differentiate(Node node, Value g, IGradients d) =>
            d.Accumulate(node, node.Inputs[0], TanhGradOp.Instance, node.Output!.Shape, new[] { g, node.Output! });

        public override void Lower(Node node, IKernels k) => k.Pointwise(node, node.Output!.Elements, Unary(UnaryOp.Tanh, k.LoadIn(node, 0, I)));
    }

    /// <summary>dx = g · (1 − y²), from the output y.</summary>
    internal sealed class TanhGradOp : Op
    {
        public static readonly TanhGradOp Instance = new TanhGradOp();

        public override string Name => "TanhGrad";

        public override bool IsGradient => true;

        public override void Lower(Node node, IKernels k)
        {
            var y = k.LoadIn(node, 1, I);
            k.Pointwise(node, Count(node), Mul(k.LoadIn(node, 0, I), Sub(F(1f), Mul(y, y))));
        }
    }
}
