using System.Collections.Generic;
using System.Collections.Immutable;
using Bert.Generators.Common;
using Bert.Generators.Graph.Ops;
using Bert.Generators.Kernels;

namespace Bert.Generators.Graph
{
    /// <summary>Where an op is created: the value-name prefix ("Encoder0_"), kernel scope ("Encoder") and source label.</summary>
    internal sealed record OpContext(string Prefix, string Scope, string Label);

    /// <summary>Creates uniquely named values and appends nodes to the forward or backward list of a <see cref="ModelGraph"/>.</summary>
    internal sealed class GraphBuilder
    {
        readonly Dictionary<string, int> nameCounts = new Dictionary<string, int>();
        int nextId;

        public GraphBuilder(ModelGraph graph)
        {
            Graph = graph;
            Nodes = graph.Forward;
            graph.Builder = this;
        }

        public ModelGraph Graph { get; }
        /// <summary>The list new nodes go to (forward while parsing, backward during autodiff).</summary>
        public List<Node> Nodes { get; set; }

        public string UniqueName(string name)
        {
            nameCounts.TryGetValue(name, out int count);
            nameCounts[name] = count + 1;
            return count == 0 ? name : name + "_" + (count + 1);
        }

        public Value NewValue(string name, string localName, ValueKind kind, ScalarType type, ImmutableArray<SizeExpr> shape) =>
            new Value(nextId++, UniqueName(name), localName, kind, type, shape);

        public Value Emit(Op op, OpContext at, string localName, ImmutableArray<SizeExpr> shape, params Value[] inputs) =>
            Emit(op, at, localName, shape, inputs, n => n);

        /// <summary>Appends <paramref name="op"/> writing a new activation; <paramref name="configure"/> sets op attributes.</summary>
        public Value Emit(Op op, OpContext at, string localName, ImmutableArray<SizeExpr> shape, Value[] inputs, System.Func<Node, Node> configure)
        {
            var output = NewValue(at.Prefix + localName, localName, ValueKind.Activation, ScalarType.F32, shape);
            Nodes.Add(configure(new Node(op, inputs.ToImmutableArray(), output, at.Scope, at.Label) { Prefix = at.Prefix }));
            return output;
        }

        /// <summary>Appends a gradient op that accumulates into <paramref name="param"/>'s gradient.</summary>
        public void EmitParamGrad(Op op, OpContext at, Value param, Value[] inputs, System.Func<Node, Node> configure) =>
            Nodes.Add(configure(new Node(op, inputs.ToImmutableArray(), null, at.Scope, at.Label) { ParamGrad = param, Prefix = at.Prefix }));
    }
}
