using Bert.Generators.Kernels;

namespace Bert.Generators.Graph.Ops
{
    /// <summary><c>a - b</c>.</summary>
    internal sealed class SubOp : ArithmeticOp
    {
        public static readonly SubOp Instance = new SubOp();

        public override string Name => "Sub";

        public override string ResultName => "difference";

        protected override Expr Combine(Expr a, Expr b) => Ex.Sub(a, b);

        public override void Differentiate(Node node, Value g, IGradients d)
        {
            d.AccumulateReduced(node, node.Inputs[0], g);
            d.AccumulateReduced(node, node.Inputs[1], g, -1f);
        }
    }
}
