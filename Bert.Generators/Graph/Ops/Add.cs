using Bert.Generators.Kernels;
using static Bert.Generators.Kernels.Ex;

namespace Bert.Generators.Graph.Ops
{
    /// <summary><c>a + b</c>; autodiff also sums a value's gradient contributions with it.</summary>
    internal sealed class AddOp : ArithmeticOp
    {
        public static readonly AddOp Instance = new AddOp();

        public override string Name => "Add";

        public override string ResultName => "sum";

        protected override Expr Combine(Expr a, Expr b) => Ex.Add(a, b);

        public override void Differentiate(Node node, Value g, IGradients d)
        {
            d.AccumulateReduced(node, node.Inputs[0], g);
            d.AccumulateReduced(node, node.Inputs[1], g);
        }

        /// <summary>A bias (a rank-1 parameter), a sum of gradients, a residual (two activations of rank ≥ 2) or a plain sum.</summary>
        public override string Word(Node node) =>
            node.Inputs[1].Kind == ValueKind.Param && node.Inputs[1].Rank == 1 ? "Bias"
            : node.Label.Contains(" backward") ? "GradientSum"
            : node.Inputs[0].Rank >= 2 && node.Inputs[1].Rank >= 2 ? "Residual" : "Sum";
    }
}
