using System.Collections.Immutable;
using Bert.Generators.Common;
using static Bert.Generators.Kernels.Ex;
using static Bert.Generators.Graph.Ops.Lowerings;

namespace Bert.Generators.Graph.Ops
{
    /// <summary><c>Token(x [B, T, H], index)</c> → [B, H]: out[b, c] = x[b, index, c].</summary>
    internal sealed class TokenOp : Op
    {
        public static readonly TokenOp Instance = new TokenOp();

        public override string Name => "Token";

        public override string[] Calls => new[] { "Token" };

        public override Value? Parse(IOpCall call)
        {
            var x = call.Tensor(0)!;
            var index = call.Number(1, "the token index");
            if (index == null) return null;
            int at = (int)index.Value;
            return call.Emit(this, "token", () =>
            {
                Shapes.RequireRank(x, 3, "Token: the input [Batch, Seq, Hidden]");
                Shapes.Require(at >= 0 && (!x.Dim(1).IsConstant || at < x.Dim(1).Coefficient), $"Token: index {at} is outside the sequence dimension {x.Dim(1)}");
                return ImmutableArray.Create(x.Dim(0), x.Dim(2));
            }, new[] { x }, n => n with { Index = at });
        }

        public override void Differentiate(Node node, Value g, IGradients d) =>
            d.Accumulate(node, node.Inputs[0], TokenGradOp.Instance, node.Inputs[0].Shape, new[] { g }, n => n with { Index = node.Index });

        public override void Lower(Node node, IKernels k)
        {
            var x = node.Inputs[0];
            var width = x.Dim(2);
            var source = MulAdd(IntDiv(I, width), x.Dim(1), N(node.Index));
            k.Pointwise(node, node.Output!.Elements, k.LoadIn(node, 0, MulAdd(source, width, Mod(I, width))));
        }
    }

    /// <summary>dx[b, t, c] = t == index ? g[b, c] : 0.</summary>
    internal sealed class TokenGradOp : Op
    {
        public static readonly TokenGradOp Instance = new TokenGradOp();

        public override string Name => "TokenGrad";

        public override bool IsGradient => true;

        public override void Lower(Node node, IKernels k)
        {
            var x = node.Output!;
            SizeExpr seq = x.Dim(1), width = x.Dim(2);
            var t = Mod(IntDiv(I, width), seq);
            var source = MulAdd(IntDiv(I, width * seq), width, Mod(I, width));
            k.Pointwise(node, Count(node), Select(Equal(t, N(node.Index)), k.LoadIn(node, 0, source), F(0f)));
        }
    }
}
