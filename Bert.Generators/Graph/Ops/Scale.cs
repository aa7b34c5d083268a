using static Bert.Generators.Kernels.Ex;

namespace Bert.Generators.Graph.Ops
{
    /// <summary><c>Scale(x, factor)</c>: x times a compile-time constant (<see cref="Node.Factor"/>); also a scaled gradient term.</summary>
    internal sealed class ScaleOp : Op
    {
        public static readonly ScaleOp Instance = new ScaleOp();

        public override string Name => "Scale";

        public override string[] Calls => new[] { "Scale" };

        public override Value? Parse(IOpCall call)
        {
            var x = call.Tensor(0)!;
            var factor = call.Number(1, "Scale's factor");
            if (factor == null) return null;
            return call.Emit(this, "scaled", () => x.Shape, new[] { x }, n => n with { Factor = (float)factor.Value });
        }

        public override void Differentiate(Node node, Value g, IGradients d) =>
            d.Accumulate(node, node.Inputs[0], Instance, node.Output!.Shape, new[] { g }, n => n with { Factor = node.Factor });

        public override void Lower(Node node, IKernels k) => k.Pointwise(node, node.Output!.Elements, Mul(k.LoadIn(node, 0, I), F(node.Factor)));
    }
}
