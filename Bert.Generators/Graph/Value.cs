using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Common;
using Bert.Generators.Kernels;

namespace Bert.Generators.Graph
{
    internal enum ValueKind { Param, Input, Activation }

    /// <summary>
    /// A tensor of the graph IR (single assignment). <see cref="LocalName"/> is the name the source gave it
    /// (a local variable, a field, or the op for a temporary) and names kernel arguments, so kernels of
    /// different layers read alike; <see cref="Name"/> is unique in the model (arena buffer names).
    /// </summary>
    internal sealed class Value
    {
        public Value(int id, string name, string localName, ValueKind kind, ScalarType type, ImmutableArray<SizeExpr> shape)
        {
            Id = id;
            Name = name;
            LocalName = localName;
            Kind = kind;
            Type = type;
            Shape = shape;
        }

        public int Id { get; }
        public string Name { get; set; }
        public string LocalName { get; set; }
        public ValueKind Kind { get; }
        public ScalarType Type { get; }
        public ImmutableArray<SizeExpr> Shape { get; }
        public int Rank => Shape.Length;
        public bool IsScalar => Shape.IsEmpty;
        public SizeExpr Elements => Shape.Aggregate(SizeExpr.Constant(1), (a, b) => a * b);

        /// <summary>The size of dimension <paramref name="index"/>, counted from the end when negative.</summary>
        public SizeExpr Dim(int index) => Shape[index < 0 ? Shape.Length + index : index];

        public override string ToString() => $"{Name}[{string.Join(", ", Shape)}]";
    }
}
