using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Kernels;
using Bert.Generators.Plan;

namespace Bert.Generators.Emit
{
    /// <summary>
    /// Facts about a plan that both generated host programs (CPU and GPU) need: which dimensions are fixed at
    /// construction and which are bound per step, and which step-local variables forward and backward use.
    /// </summary>
    internal sealed class ModelFacts
    {
        public ModelFacts(ExecutionPlan plan)
        {
            // Dimensions that size parameters are fixed at construction; the others are bound per step.
            var parameterSymbols = new HashSet<string>(plan.Params.SelectMany(p => p.Shape).SelectMany(s => s.Symbols));
            ConstructionSymbols = plan.RuntimeSymbols.Where(parameterSymbols.Contains).ToImmutableArray();
            BoundSymbols = plan.RuntimeSymbols.Where(s => !parameterSymbols.Contains(s)).ToImmutableArray();
            ForwardNeedsTraining = StepVariables(plan.Forward).Contains("training");
            var backwardNames = StepVariables(plan.Backward);
            BackwardNeedsSeed = backwardNames.Contains("seed");
            BackwardNeedsTraining = backwardNames.Contains("training");
        }

        public ImmutableArray<string> ConstructionSymbols { get; }

        public ImmutableArray<string> BoundSymbols { get; }

        public bool ForwardNeedsTraining { get; }

        /// <summary>Backward reuses the forward seed (dropout masks): forward saves it in a field.</summary>
        public bool BackwardNeedsSeed { get; }

        public bool BackwardNeedsTraining { get; }

        /// <summary>The Bind call as an error message spells it, e.g. <c>Bind(batch, seq)</c>.</summary>
        public string BindCall => $"Bind({string.Join(", ", BoundSymbols.Select(Identifiers.Camel))})";

        /// <summary>Variable names the steps' scalars and tensor offsets refer to.</summary>
        static HashSet<string> StepVariables(IEnumerable<Step> steps)
        {
            var names = new HashSet<string>();
            void Visit(Expr? e)
            {
                if (e != null) ExprTree.Walk(e, x => { if (x is VarExpr v) names.Add(v.Name); });
            }
            foreach (var step in steps)
            {
                switch (step)
                {
                    case KernelStep k:
                        foreach (var value in k.Scalars.Values) Visit(value);
                        foreach (var tensor in k.Buffers.Values) Visit(tensor.ElementOffset);
                        break;
                    case GemmStep g:
                        Visit(g.A.ElementOffset);
                        Visit(g.B.ElementOffset);
                        Visit(g.C.ElementOffset);
                        break;
                    case ZeroStep z:
                        Visit(z.Tensor.ElementOffset);
                        break;
                }
            }
            return names;
        }
    }
}
