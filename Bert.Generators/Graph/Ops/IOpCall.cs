using System;
using System.Collections.Immutable;
using Bert.Generators.Common;

namespace Bert.Generators.Graph.Ops
{
    /// <summary>A call of a <c>Bert.Graph.Ops</c> method in a [Forward] method, as an op's <see cref="Op.Parse"/> reads it.</summary>
    internal interface IOpCall
    {
        /// <summary>The method called, e.g. "WeightedCrossEntropy".</summary>
        string Name { get; }

        /// <summary>Tensor argument <paramref name="index"/>, or null when the call has no such argument.</summary>
        Value? Tensor(int index);

        /// <summary>Argument <paramref name="index"/> as a constant number; null (reported as <paramref name="use"/>) when it is not one.</summary>
        double? Number(int index, string use);

        /// <summary>Argument <paramref name="index"/> as a probability: a constant in [0, 1) or a [Hyper] field; null when neither (reported).</summary>
        ScalarArg? Probability(int index);

        /// <summary>Argument <paramref name="index"/> as a length: a [Dim] or a positive integer; null when neither (reported).</summary>
        SizeExpr? Length(int index);

        /// <summary>A new dropout site: its own range of random counters.</summary>
        int NewDropoutSite();

        /// <summary>
        /// Adds node <paramref name="op"/>(<paramref name="inputs"/>) named after <paramref name="localName"/>, of the shape
        /// <paramref name="shape"/> computes; a failed shape check (<see cref="ShapeException"/>) is reported at the call and gives null.
        /// </summary>
        Value? Emit(Op op, string localName, Func<ImmutableArray<SizeExpr>> shape, Value[] inputs, Func<Node, Node>? configure = null);

        /// <summary>The output shape <paramref name="shape"/> computes, or null after reporting its failed check.</summary>
        ImmutableArray<SizeExpr>? Shape(Func<ImmutableArray<SizeExpr>> shape);

        /// <summary>Adds a node of a known shape (a second node of the same call, such as Dense's bias add).</summary>
        Value Emit(Op op, string localName, ImmutableArray<SizeExpr> shape, Value[] inputs, Func<Node, Node>? configure = null);
    }
}
