using static Bert.Generators.Kernels.Ex;

namespace Bert.Generators.Graph.Ops
{
    /// <summary><c>Scale(x, factor)</c>: x times a compile-time constant (<see cref="Node.Factor"/>); also a scaled gradient term.</summary>
    internal sealed class ScaleOp : Op
    {
        public static readonly ScaleOp Instance = new ScaleOp();

        public override string Name => "Scale";

        public override string[] Calls => new[] { "Scale" };

        /// <summary>What a scaled tensor is named after (also for <c>x * 0.125f</c> in a [Forward] method).</summary>
        public const string ResultName = "scaled";

        /// <summary>The node's factor: <c>Scale(x, factor)</c>, <c>x * factor</c>, or a gradient term's.</summary>
        public static System.Func<Node, Node> By(float factor) => n => n with { Factor = factor };

        public override Value? Parse(IOpCall call)
        {
            var x = call.Tensor(0)!;
            var factor = call.Number(1, "Scale's factor");
            if (factor == null) return null;
            return call.Emit(this, ResultName, () => x.Shape, new[] { x }, By((float)factor.Value));
        }

        public override void Differentiate(Node node, Value g, IGradients d) =>
            d.Accumulate(node, node.Inputs[0], Instance, node.Output!.Shape, new[] { g }, By(node.Factor));

        public override void Lower(Node node, IKernels k) => k.Pointwise(node, node.Output!.Elements, Mul(k.LoadIn(node, 0, I), F(node.Factor)));
    }
}
