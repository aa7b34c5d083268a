using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Common;
using Bert.Generators.Graph;

namespace Bert.Generators.Passes
{
    /// <summary>
    /// Reverse-mode differentiation of the forward graph into <see cref="ModelGraph.Backward"/>. Each op has a
    /// vector-Jacobian rule below. A value used several times receives one gradient contribution per use,
    /// summed by Add nodes (fusion folds those sums into the consuming kernel); gradients of parameters are
    /// accumulated into the parameter-gradient store by sink nodes (GEMMs with β = 1, accumulating kernels),
    /// so tied or reused parameters need nothing special.
    /// </summary>
    internal sealed class Autodiff
    {
        readonly ModelGraph graph;
        readonly GraphBuilder builder;
        readonly Dictionary<Value, List<Value>> contributions = new Dictionary<Value, List<Value>>();
        readonly HashSet<Value> needsGradient = new HashSet<Value>();

        Autodiff(ModelGraph graph, GraphBuilder builder)
        {
            this.graph = graph;
            this.builder = builder;
        }

        public static void Run(ModelGraph graph, GraphBuilder builder)
        {
            var pass = new Autodiff(graph, builder);
            var previous = builder.Nodes;
            builder.Nodes = graph.Backward;
            pass.Differentiate();
            builder.Nodes = previous;
        }

        void Differentiate()
        {
            foreach (var p in graph.Params) needsGradient.Add(p.Value);
            foreach (var node in graph.Forward)
                if (node.Output != null && node.Inputs.Any(needsGradient.Contains)) needsGradient.Add(node.Output);
            var loss = graph.Loss!;
            if (!needsGradient.Contains(loss)) return;

            var seed = builder.Emit(OpKind.Fill, new OpContext("", graph.Name, "loss gradient"), "d_" + loss.LocalName, loss.Shape,
                new Value[0], n => n with { Factor = 1f });
            contributions[loss] = new List<Value> { seed };

            for (int i = graph.Forward.Count - 1; i >= 0; i--)
            {
                var node = graph.Forward[i];
                if (node.Output == null || !needsGradient.Contains(node.Output)) continue;
                var g = Total(node);
                if (g != null) Differentiate(node, g);
            }
        }

        static OpContext Context(Node node) =>
            new OpContext(node.Prefix, node.Scope, InsertBackward(node.Label));

        static string InsertBackward(string label)
        {
            int paren = label.IndexOf(" (", System.StringComparison.Ordinal);
            return paren < 0 ? label + " backward" : label.Substring(0, paren) + " backward" + label.Substring(paren);
        }

        /// <summary>The gradient of a node's output: its only contribution, or the sum of all of them.</summary>
        Value? Total(Node node)
        {
            var output = node.Output!;
            if (!contributions.TryGetValue(output, out var list) || list.Count == 0) return null;
            var total = list[0];
            for (int i = 1; i < list.Count; i++)
                total = builder.Emit(OpKind.Add, Context(node), "d_" + output.LocalName, output.Shape, total, list[i]);
            return total;
        }

        void Contribute(Value target, Value gradient)
        {
            if (!contributions.TryGetValue(target, out var list)) contributions[target] = list = new List<Value>();
            list.Add(gradient);
        }

        /// <summary>
        /// Gives <paramref name="target"/> the gradient term <c>op(inputs)</c>: a new contribution for an
        /// activation, an accumulating sink for a parameter, nothing for values that need no gradient.
        /// </summary>
        void Accumulate(Node at, Value target, OpKind op, ImmutableArray<SizeExpr> shape, Value[] inputs, System.Func<Node, Node>? configure = null)
        {
            if (!needsGradient.Contains(target)) return;
            configure ??= n => n;
            if (target.Kind == ValueKind.Param) builder.EmitParamGrad(op, Context(at), target, inputs, configure);
            else Contribute(target, builder.Emit(op, Context(at), "d_" + target.LocalName, shape, inputs, configure));
        }

        /// <summary>The gradient <paramref name="g"/> of an output broadcast from <paramref name="target"/>: summed over the broadcast dimensions.</summary>
        void AccumulateReduced(Node at, Value target, Value g, float factor = 1f)
        {
            if (!needsGradient.Contains(target)) return;
            if (target.Kind != ValueKind.Param && target.Shape.SequenceEqual(g.Shape))
            {
                if (factor == 1f) Contribute(target, g);
                else Accumulate(at, target, OpKind.Scale, g.Shape, new[] { g }, n => n with { Factor = factor });
                return;
            }
            Accumulate(at, target, OpKind.ColumnSum, target.Shape, new[] { g }, n => n with { Factor = factor });
        }

        void Differentiate(Node node, Value g)
        {
            var inputs = node.Inputs;
            var y = node.Output!;
            switch (node.Op)
            {
                case OpKind.Embedding:
                    Accumulate(node, inputs[0], OpKind.EmbeddingGrad, inputs[0].Shape, new[] { g, inputs[1] });
                    break;
                case OpKind.Positions:
                    Accumulate(node, inputs[0], OpKind.PositionsGrad, inputs[0].Shape, new[] { g });
                    break;
                case OpKind.Gemm:
                    DifferentiateGemm(node, g);
                    break;
                case OpKind.Add:
                    AccumulateReduced(node, inputs[0], g);
                    AccumulateReduced(node, inputs[1], g);
                    break;
                case OpKind.Sub:
                    AccumulateReduced(node, inputs[0], g);
                    AccumulateReduced(node, inputs[1], g, -1f);
                    break;
                case OpKind.Mul:
                    for (int i = 0; i < 2; i++)
                    {
                        if (!needsGradient.Contains(inputs[i])) continue;
                        var term = builder.Emit(OpKind.Mul, Context(node), "d_" + inputs[i].LocalName, y.Shape, g, inputs[1 - i]);
                        AccumulateReduced(node, inputs[i], term);
                    }
                    break;
                case OpKind.Scale:
                    Accumulate(node, inputs[0], OpKind.Scale, y.Shape, new[] { g }, n => n with { Factor = node.Factor });
                    break;
                case OpKind.Gelu:
                    Accumulate(node, inputs[0], OpKind.GeluGrad, y.Shape, new[] { g, inputs[0] });
                    break;
                case OpKind.Relu:
                    Accumulate(node, inputs[0], OpKind.ReluGrad, y.Shape, new[] { g, y });
                    break;
                case OpKind.Tanh:
                    Accumulate(node, inputs[0], OpKind.TanhGrad, y.Shape, new[] { g, y });
                    break;
                case OpKind.LayerNorm:
                    Accumulate(node, inputs[0], OpKind.LayerNormGrad, y.Shape, new[] { g, inputs[0], inputs[1] }, n => n with { Factor = node.Factor });
                    if (needsGradient.Contains(inputs[1]))
                    {
                        var term = builder.Emit(OpKind.LayerNormGammaTerm, Context(node), inputs[1].LocalName + "Terms", y.Shape,
                            new[] { g, inputs[0] }, n => n with { Factor = node.Factor });
                        AccumulateReduced(node, inputs[1], term);
                    }
                    AccumulateReduced(node, inputs[2], g);
                    break;
                case OpKind.Dropout:
                    Accumulate(node, inputs[0], OpKind.DropoutGrad, y.Shape, new[] { g },
                        n => n with { Probability = node.Probability, Site = node.Site });
                    break;
                case OpKind.MaskedSoftmax:
                    Accumulate(node, inputs[0], OpKind.SoftmaxGrad, y.Shape, new[] { g, y });
                    break;
                case OpKind.SplitHeads:
                    Accumulate(node, inputs[0], OpKind.MergeHeads, inputs[0].Shape, new[] { g });
                    break;
                case OpKind.MergeHeads:
                    Accumulate(node, inputs[0], OpKind.SplitHeads, inputs[0].Shape, new[] { g }, n => n with { Index = (int)inputs[0].Dim(1).Coefficient });
                    break;
                case OpKind.Gather:
                    Accumulate(node, inputs[0], OpKind.GatherGrad, inputs[0].Shape, new[] { g, inputs[1] });
                    break;
                case OpKind.GatherRows:
                    Accumulate(node, inputs[0], OpKind.GatherRowsGrad, inputs[0].Shape, new[] { g, inputs[1] });
                    break;
                case OpKind.Token:
                    Accumulate(node, inputs[0], OpKind.TokenGrad, inputs[0].Shape, new[] { g }, n => n with { Index = node.Index });
                    break;
                case OpKind.CrossEntropy:
                    Accumulate(node, inputs[0], OpKind.CrossEntropyGrad, inputs[0].Shape, new[] { g }.Concat(inputs).ToArray());
                    break;
                default:
                    throw new System.InvalidOperationException($"no gradient rule for {node.Op}");
            }
        }

        /// <summary>
        /// C = α·op(A)·op(B): dA = α·dC·op(B)ᵀ (stored transposed when A is), dB = α·op(A)ᵀ·dC (likewise),
        /// each again one GEMM with the transposes chosen so no operand is ever copied.
        /// </summary>
        void DifferentiateGemm(Node node, Value g)
        {
            var s = node.Gemm!;
            Value a = node.Inputs[0], b = node.Inputs[1];
            if (!s.TransA)
                AccumulateGemm(node, a, g, b, s with { N = s.K, K = s.N, TransA = false, TransB = !s.TransB });
            else
                AccumulateGemm(node, a, b, g, s with { M = s.K, N = s.M, K = s.N, TransA = s.TransB, TransB = true });
            if (!s.TransB)
                AccumulateGemm(node, b, a, g, s with { M = s.K, N = s.N, K = s.M, TransA = !s.TransA, TransB = false });
            else
                AccumulateGemm(node, b, g, a, s with { M = s.N, N = s.K, K = s.M, TransA = true, TransB = s.TransA });
        }

        void AccumulateGemm(Node node, Value target, Value left, Value right, GemmShape shape) =>
            Accumulate(node, target, OpKind.Gemm, target.Shape, new[] { left, right }, n => n with { Gemm = shape });
    }
}
