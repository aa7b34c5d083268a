using System;
using System.Collections.Generic;
using System.Linq;
using Bert.Generators.Kernels;

namespace Bert.Generators.Plan
{
    /// <summary>An execution plan that breaks an invariant: a bug in the passes that built it, never a user mistake; the message names the culprit.</summary>
    internal sealed class PlanException : Exception
    {
        public PlanException(string message) : base(message) { }
    }

    /// <summary>
    /// The last stage of planning: checks that the plan is one the emitters can print as it is — every step launches a
    /// kernel the plan defines and binds each of its buffers (with the buffer's element type) and scalars, GEMMs work on
    /// F32 tensors, every tensor a step, output or the loss names is declared (a parameter, an input or an arena
    /// buffer), parameters initialize in a known way and are sized by the plan's dimensions.
    /// </summary>
    internal static class PlanVerifier
    {
        static readonly string[] Initializations = { "Normal", "Zeros", "Ones" };

        public static ExecutionPlan Verify(ExecutionPlan plan)
        {
            var types = new Dictionary<(StorageKind, string), ScalarType>();
            foreach (var p in plan.Params)
            {
                types[(StorageKind.ParamValue, p.Name)] = types[(StorageKind.ParamGrad, p.Name)] = ScalarType.F32;
                if (!Initializations.Contains(p.Init))
                    throw new PlanException($"Parameter {p.Name}: unknown initialization '{p.Init}' (expected {string.Join(", ", Initializations)}).");
                foreach (string symbol in p.Shape.SelectMany(s => s.Symbols).Where(s => !plan.RuntimeSymbols.Contains(s)))
                    throw new PlanException($"Parameter {p.Name}'s size uses '{symbol}', which is not a run-time dimension of the plan.");
            }
            foreach (var input in plan.Inputs) types[(StorageKind.Input, input.Name)] = input.Type;
            foreach (var buffer in plan.Buffers) types[(StorageKind.Arena, buffer.Name)] = buffer.Type;

            ScalarType TypeOf(TensorRef tensor, string role) =>
                types.TryGetValue((tensor.Storage, tensor.Name), out var type) ? type
                : throw new PlanException($"{role} names {tensor.Storage} tensor '{tensor.Name}', which the plan does not declare.");
            void Require(TensorRef tensor, ScalarType expected, string role)
            {
                var actual = TypeOf(tensor, role);
                if (actual != expected) throw new PlanException($"{role} needs {expected} elements, but tensor '{tensor.Name}' holds {actual}.");
            }

            var kernels = new Dictionary<string, Kernel>();
            foreach (var kernel in plan.Kernels)
                if (!kernels.ContainsKey(kernel.Name)) kernels[kernel.Name] = kernel;
                else throw new PlanException($"Two kernels are named '{kernel.Name}'.");

            foreach (var step in plan.Forward.Concat(plan.Backward))
            {
                switch (step)
                {
                    case KernelStep k:
                        if (!kernels.TryGetValue(k.Kernel, out var kernel)) throw new PlanException($"A step launches kernel '{k.Kernel}', which the plan does not define.");
                        foreach (var buffer in kernel.Buffers)
                        {
                            if (!k.Buffers.TryGetValue(buffer.Name, out var tensor)) throw new PlanException($"A step of kernel {kernel.Name} binds no tensor to buffer '{buffer.Name}'.");
                            Require(tensor, buffer.Type, $"Buffer '{buffer.Name}' of kernel {kernel.Name}");
                        }
                        foreach (var scalar in kernel.Scalars.Where(s => !k.Scalars.ContainsKey(s.Name)))
                            throw new PlanException($"A step of kernel {kernel.Name} binds no value to scalar '{scalar.Name}'.");
                        break;
                    case GemmStep g:
                        Require(g.A, ScalarType.F32, "GEMM operand A");
                        Require(g.B, ScalarType.F32, "GEMM operand B");
                        Require(g.C, ScalarType.F32, "GEMM operand C");
                        break;
                    case ZeroStep z:
                        TypeOf(z.Tensor, "A clear");
                        break;
                    case ZeroGradientsStep:
                        break;
                    default:
                        throw new PlanException($"Unknown step {step.GetType().Name}.");
                }
            }
            foreach (var output in plan.Outputs) TypeOf(output.Tensor, $"Output {output.Name}");
            Require(plan.Loss, ScalarType.F32, "The loss");
            return plan;
        }
    }
}
