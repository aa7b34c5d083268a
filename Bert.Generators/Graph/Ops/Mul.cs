using Bert.Generators.Kernels;

namespace Bert.Generators.Graph.Ops
{
    /// <summary><c>a * b</c>, elementwise.</summary>
    internal sealed class MulOp : ArithmeticOp
    {
        public static readonly MulOp Instance = new MulOp();

        public override string Name => "Mul";

        public override string ResultName => "product";

        protected override Expr Combine(Expr a, Expr b) => Ex.Mul(a, b);

        /// <summary>d(a·b) = g·b for a and g·a for b, each summed over what was broadcast.</summary>
        public override void Differentiate(Node node, Value g, IGradients d)
        {
            for (int i = 0; i < 2; i++)
            {
                if (!d.Needs(node.Inputs[i])) continue;
                var term = d.Emit(node, Instance, "d_" + node.Inputs[i].LocalName, node.Output!.Shape, new[] { g, node.Inputs[1 - i] });
                d.AccumulateReduced(node, node.Inputs[i], term);
            }
        }
    }
}
