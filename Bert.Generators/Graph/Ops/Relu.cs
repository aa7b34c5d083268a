using static Bert.Generators.Kernels.Ex;
using static Bert.Generators.Graph.Ops.Lowerings;

namespace Bert.Generators.Graph.Ops
{
    /// <summary><c>Relu(x)</c> = max(x, 0).</summary>
    internal sealed class ReluOp : ActivationOp
    {
        public static readonly ReluOp Instance = new ReluOp();

        public override string Name => "Relu";

        public override void Differentiate(Node node, Value g, IGradients d) =>
            d.Accumulate(node, node.Inputs[0], ReluGradOp.Instance, node.Output!.Shape, new[] { g, node.Output! });

        public override void Lower(Node node, IKernels k) => k.Pointwise(node, node.Output!.Elements, Max(k.LoadIn(node, 0, I), F(0f)));
    }

    /// <summary>dx = g where the output y is positive, else 0.</summary>
    internal sealed class ReluGradOp : Op
    {
        public static readonly ReluGradOp Instance = new ReluGradOp();

        public override string Name => "ReluGrad";

        public override bool IsGradient => true;

        public override void Lower(Node node, IKernels k) =>
            k.Pointwise(node, Count(node), Select(Less(F(0f), k.LoadIn(node, 1, I)), k.LoadIn(node, 0, I), F(0f)));
    }
}
