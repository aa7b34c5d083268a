using System;
using System.Collections.Immutable;
using Bert.Generators.Common;

namespace Bert.Generators.Graph.Ops
{
    /// <summary>What a gradient rule (<see cref="Op.Differentiate"/>) may do: autodiff's bookkeeping of contributions.</summary>
    internal interface IGradients
    {
        /// <summary>Whether <paramref name="value"/> needs a gradient (it leads from a parameter to the loss).</summary>
        bool Needs(Value value);

        /// <summary>A backward node at <paramref name="at"/>'s place, not yet a contribution to anything.</summary>
        Value Emit(Node at, Op op, string localName, ImmutableArray<SizeExpr> shape, Value[] inputs, Func<Node, Node>? configure = null);

        /// <summary>Gives <paramref name="target"/> the gradient term op(inputs): a contribution, or an accumulating sink for a parameter.</summary>
        void Accumulate(Node at, Value target, Op op, ImmutableArray<SizeExpr> shape, Value[] inputs, Func<Node, Node>? configure = null);

        /// <summary>The gradient <paramref name="g"/> of an output broadcast from <paramref name="target"/>: summed over the broadcast dimensions.</summary>
        void AccumulateReduced(Node at, Value target, Value g, float factor = 1f);
    }
}
