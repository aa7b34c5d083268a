using Bert.Generators.Kernels;
using static Bert.Generators.Kernels.Ex;
using static Bert.Generators.Graph.Ops.Lowerings;

namespace Bert.Generators.Graph.Ops
{
    /// <summary>
    /// <c>Dropout(x, p)</c>: inverted dropout with a regenerable mask. Each call is a site (<see cref="Node.Site"/>) with its
    /// own range of Philox counters, so element i of site s keeps u(seed, offset_s + i) ≥ p, and the backward pass draws the
    /// same mask again instead of storing it.
    /// </summary>
    internal sealed class DropoutOp : Op
    {
        public static readonly DropoutOp Instance = new DropoutOp();

        /// <summary>Dropout sites get disjoint Philox counter ranges of 2⁴⁰ elements each.</summary>
        public const int CounterRangeBits = 40;

        public override string Name => "Dropout";

        public override string[] Calls => new[] { "Dropout" };

        public override Value? Parse(IOpCall call)
        {
            var x = call.Tensor(0)!;
            var probability = call.Probability(1);
            if (probability == null) return null;
            int site = call.NewDropoutSite();
            return call.Emit(this, "dropped", () => x.Shape, new[] { x }, node => node with { Probability = probability, Site = site });
        }

        public override void Differentiate(Node node, Value g, IGradients d) =>
            d.Accumulate(node, node.Inputs[0], DropoutGradOp.Instance, node.Output!.Shape, new[] { g },
                n => n with { Probability = node.Probability, Site = node.Site });

        public override void Lower(Node node, IKernels k) => Masked(node, k.LoadIn(node, 0, I), k);

        /// <summary>x / (1 − p) where the site's mask keeps the element, else 0; the same for a gradient with the same site.</summary>
        internal static void Masked(Node node, Expr x, IKernels k)
        {
            var dropped = Less(new UniformExpr(V("seed"), Add(V("offset"), I), OnlyBelow: V("p")), V("p"));
            var kernel = k.Pointwise(node, Count(node), Select(dropped, F(0f), Div(x, Sub(F(1f), V("p")))));
            var p = node.Probability!;
            var rate = p.Hyper != null ? V(p.Hyper) : F(p.Constant);
            // Evaluation (training = false) keeps every element: p = 0.
            kernel.Scalars["p"] = new ScalarBinding(ScalarType.F32, Select(Equal(V("training"), N(1)), rate, F(0f)));
            kernel.Scalars["seed"] = new ScalarBinding(ScalarType.U64, V("seed"));
            kernel.Scalars["offset"] = new ScalarBinding(ScalarType.U64, N((long)node.Site << CounterRangeBits));
        }
    }

    /// <summary>dx = the same mask and scale applied to g.</summary>
    internal sealed class DropoutGradOp : Op
    {
        public static readonly DropoutGradOp Instance = new DropoutGradOp();

        public override string Name => "DropoutGrad";

        public override bool IsGradient => true;

        public override void Lower(Node node, IKernels k) => DropoutOp.Masked(node, k.LoadIn(node, 0, I), k);
    }
}
