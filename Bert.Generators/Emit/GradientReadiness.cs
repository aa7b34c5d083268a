using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Plan;

namespace Bert.Generators.Emit
{
    /// <summary>
    /// When each parameter's gradient is final in the backward program: right after the last step that touches it
    /// (clears, writes, accumulates into or reads it). From that point another stream may all-reduce the gradient in
    /// place while the rest of backward runs, which is how data-parallel training overlaps communication with compute.
    /// Parameters are spec indices (the order of <see cref="ExecutionPlan.Params"/>, i.e. of the gradient buffer).
    /// </summary>
    internal sealed class GradientReadiness
    {
        GradientReadiness(ImmutableArray<ImmutableArray<int>> afterStep, ImmutableArray<int> untouched)
        {
            AfterStep = afterStep;
            Untouched = untouched;
            Order = afterStep.SelectMany(ready => ready).Concat(untouched).ToImmutableArray();
        }

        /// <summary>For each backward step, the parameters (ascending) whose gradients are final once it has run.</summary>
        public ImmutableArray<ImmutableArray<int>> AfterStep { get; }

        /// <summary>Parameters no backward step touches (none in a model whose loss uses every parameter): final at the end.</summary>
        public ImmutableArray<int> Untouched { get; }

        /// <summary>Every parameter once, in the order its gradient becomes final (ties in spec order).</summary>
        public ImmutableArray<int> Order { get; }

        public static GradientReadiness Of(ExecutionPlan plan)
        {
            var index = new Dictionary<string, int>();
            for (int p = 0; p < plan.Params.Length; p++) index[plan.Params[p].Name] = p;

            var lastStep = Enumerable.Repeat(-1, plan.Params.Length).ToArray();
            for (int s = 0; s < plan.Backward.Length; s++)
                foreach (var tensor in Touched(plan.Backward[s], plan))
                    if (tensor.Storage == StorageKind.ParamGrad)
                        lastStep[index[tensor.Name]] = s;

            var afterStep = Enumerable.Range(0, plan.Backward.Length)
                .Select(s => Enumerable.Range(0, lastStep.Length).Where(p => lastStep[p] == s).ToImmutableArray())
                .ToImmutableArray();
            var untouched = Enumerable.Range(0, lastStep.Length).Where(p => lastStep[p] < 0).ToImmutableArray();
            return new GradientReadiness(afterStep, untouched);
        }

        static IEnumerable<TensorRef> Touched(Step step, ExecutionPlan plan) =>
            step is ZeroGradientsStep ? plan.Params.Select(p => new TensorRef(StorageKind.ParamGrad, p.Name)) : step.Tensors();
    }
}
