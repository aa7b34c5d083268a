using static Bert.Generators.Kernels.Ex;

namespace Bert.Generators.Graph.Ops
{
    /// <summary>
    /// A tensor of one value (<see cref="Node.Factor"/>): the loss's own gradient, 1, that backward starts from. It depends
    /// on nothing, so it is computed with the forward program (or folded into the loss's kernel).
    /// </summary>
    internal sealed class FillOp : Op
    {
        public static readonly FillOp Instance = new FillOp();

        public override string Name => "Fill";

        public override string Word(Node node) => "LossGradient";

        public override void Lower(Node node, IKernels k) => k.Pointwise(node, node.Output!.Elements, F(node.Factor));
    }
}
