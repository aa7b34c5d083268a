using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Common;
using Bert.Generators.Graph;
using Bert.Generators.Graph.Ops;

namespace Bert.Generators.Passes
{
    /// <summary>
    /// Reverse-mode differentiation of the forward graph into <see cref="ModelGraph.Backward"/>. Each op has its
    /// vector-Jacobian rule in its file (<see cref="Op.Differentiate"/>), written against this pass's bookkeeping. A value used several times receives one gradient contribution per use,
    /// summed by Add nodes (fusion folds those sums into the consuming kernel); gradients of parameters are
    /// accumulated into the parameter-gradient store by sink nodes (GEMMs with β = 1, accumulating kernels),
    /// so tied or reused parameters need nothing special.
    /// </summary>
    internal sealed class Autodiff : IGradients
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

            var seed = builder.Emit(FillOp.Instance, new OpContext("", graph.Name, "loss gradient"), "d_" + loss.LocalName, loss.Shape,
                new Value[0], n => n with { Factor = 1f });
            contributions[loss] = new List<Value> { seed };

            for (int i = graph.Forward.Count - 1; i >= 0; i--)
            {
                var node = graph.Forward[i];
                if (node.Output == null || !needsGradient.Contains(node.Output)) continue;
                var g = Total(node);
                if (g != null) node.Op.Differentiate(node, g, this);
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
                total = builder.Emit(AddOp.Instance, Context(node), "d_" + output.LocalName, output.Shape, total, list[i]);
            return total;
        }

        void Contribute(Value target, Value gradient)
        {
            if (!contributions.TryGetValue(target, out var list)) contributions[target] = list = new List<Value>();
            list.Add(gradient);
        }

        public bool Needs(Value value) => needsGradient.Contains(value);

        public Value Emit(Node at, Op op, string localName, ImmutableArray<SizeExpr> shape, Value[] inputs, System.Func<Node, Node>? configure = null) =>
            builder.Emit(op, Context(at), localName, shape, inputs, configure ?? (n => n));

        /// <summary>
        /// Gives <paramref name="target"/> the gradient term <c>op(inputs)</c>: a new contribution for an
        /// activation, an accumulating sink for a parameter, nothing for values that need no gradient.
        /// </summary>
        public void Accumulate(Node at, Value target, Op op, ImmutableArray<SizeExpr> shape, Value[] inputs, System.Func<Node, Node>? configure = null)
        {
            if (!needsGradient.Contains(target)) return;
            configure ??= n => n;
            if (target.Kind == ValueKind.Param) builder.EmitParamGrad(op, Context(at), target, inputs, configure);
            else Contribute(target, builder.Emit(op, Context(at), "d_" + target.LocalName, shape, inputs, configure));
        }

        /// <summary>The gradient <paramref name="g"/> of an output broadcast from <paramref name="target"/>: summed over the broadcast dimensions.</summary>
        public void AccumulateReduced(Node at, Value target, Value g, float factor = 1f)
        {
            if (!needsGradient.Contains(target)) return;
            if (target.Kind != ValueKind.Param && target.Shape.SequenceEqual(g.Shape))
            {
                if (factor == 1f) Contribute(target, g);
                else Accumulate(at, target, ScaleOp.Instance, g.Shape, new[] { g }, ScaleOp.By(factor));
                return;
            }
            Accumulate(at, target, ColumnSumOp.Instance, target.Shape, new[] { g }, n => n with { Factor = factor });
        }
    }
}
