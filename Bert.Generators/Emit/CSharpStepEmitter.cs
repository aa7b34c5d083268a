using System.Collections.Generic;
using System.Linq;
using Bert.Generators.Common;
using Bert.Generators.Kernels;
using Bert.Generators.Plan;

namespace Bert.Generators.Emit
{
    /// <summary>
    /// Renders the forward or backward step list as statements of the generated model, for the CPU or the GPU
    /// (<see cref="StepTarget"/>): kernel calls with their tensors and scalars, GEMMs with the source op as comment,
    /// tensor clears. Both targets share this walk, so they bind the same tensors, scalars and sizes. Step scalars may
    /// name the model's fields (hyper-parameters, dimensions), <c>seed</c> (ulong) and <c>training</c> (1 or 0), which
    /// the enclosing method declares as locals <c>seed</c> and <c>isTraining</c>.
    /// </summary>
    internal sealed class CSharpStepEmitter
    {
        readonly TensorViews views;
        readonly StepTarget target;
        readonly Dictionary<string, Kernel> kernels;
        readonly ExprRenderer renderer = new ExprRenderer(CSharpDialect.Instance, name => name == "training" ? "isTraining" : name);
        readonly TypeScope scope = new TypeScope(undeclaredVariable: ScalarType.F32)
            .DeclareVariable("seed", ScalarType.U64)
            .DeclareVariable("training", ScalarType.I32);

        public CSharpStepEmitter(TensorViews views, IEnumerable<Kernel> kernels, StepTarget target)
        {
            this.views = views;
            this.target = target;
            this.kernels = kernels.ToDictionary(k => k.Name);
        }

        /// <summary>The target's address of a tensor reference (with its element offset, if any).</summary>
        public string Pointer(TensorRef tensor) =>
            target.Pointer(views[tensor], tensor.ElementOffset == null ? null : renderer.Render(tensor.ElementOffset, scope));

        /// <summary>Renders each step as one block; <paramref name="afterStep"/> (given the step's index) may append lines to it.</summary>
        public void Emit(IReadOnlyList<Step> steps, CodeWriter w, System.Action<int>? afterStep = null)
        {
            for (int i = 0; i < steps.Count; i++)
            {
                w.Blank();
                switch (steps[i])
                {
                    case KernelStep k: EmitKernelCall(k, w); break;
                    case GemmStep g: EmitGemm(g, w); break;
                    case ZeroStep z: EmitZero(z, w); break;
                    default: throw new EmitException($"Unknown step {steps[i].GetType().Name}.");
                }
                afterStep?.Invoke(i);
            }
        }

        void EmitKernelCall(KernelStep step, CodeWriter w)
        {
            if (!kernels.TryGetValue(step.Kernel, out var kernel)) throw new EmitException($"A step launches kernel '{step.Kernel}', which the plan does not define.");
            var buffers = new List<string>();
            foreach (var buffer in kernel.Buffers)
            {
                if (!step.Buffers.TryGetValue(buffer.Name, out var tensor)) throw new EmitException($"A step of kernel {kernel.Name} binds no tensor to buffer '{buffer.Name}'.");
                RequireType(tensor, buffer.Type, $"buffer '{buffer.Name}' of kernel {kernel.Name}");
                buffers.Add(Pointer(tensor));
            }
            var scalars = new List<(string, ScalarType)>();
            foreach (var scalar in kernel.Scalars)
            {
                if (!step.Scalars.TryGetValue(scalar.Name, out var value)) throw new EmitException($"A step of kernel {kernel.Name} binds no value to scalar '{scalar.Name}'.");
                scalars.Add((renderer.Render(value, scope), scalar.Type));
            }
            var (function, arguments) = target.Kernel(kernel, new KernelCallArguments(buffers, scalars, KernelFacts.Symbols(kernel)));
            w.Line("// " + string.Join(", ", step.SourceOps));
            foreach (string zeroed in step.ZeroFirst)
            {
                var tensor = step.Buffers[zeroed];
                w.Line(target.Zero(Pointer(tensor), CSharpDialect.Instance.TypeName(views.TypeOf(tensor)), views[tensor].Elements));
            }
            Call(function, arguments, w, alwaysWrap: false);
            Lap(kernel.Name, w);
        }

        /// <summary>Row-major GEMM; one line per operand when wrapped: sizes, then α·A, B, β·C.</summary>
        void EmitGemm(GemmStep g, CodeWriter w)
        {
            RequireType(g.A, ScalarType.F32, "GEMM operand A");
            RequireType(g.B, ScalarType.F32, "GEMM operand B");
            RequireType(g.C, ScalarType.F32, "GEMM operand C");
            bool batched = !(g.BatchCount.IsConstant && g.BatchCount.Coefficient == 1);
            string Operand(TensorRef t, SizeExpr ld, SizeExpr stride) =>
                Pointer(t) + ", " + ld + (batched ? ", " + SizeText.Render(stride, asLong: true) : "");
            var groups = new List<string>
            {
                $"{Bool(g.TransA)}, {Bool(g.TransB)}, {g.M}, {g.N}, {g.K}",
                $"{CSharpDialect.Instance.FloatLiteral(g.Alpha)}, {Operand(g.A, g.Lda, g.StrideA)}",
                Operand(g.B, g.Ldb, g.StrideB),
                $"{CSharpDialect.Instance.FloatLiteral(g.Beta)}, {Operand(g.C, g.Ldc, g.StrideC)}",
            };
            if (batched) groups.Add(g.BatchCount.ToString());
            w.Line("// " + g.Comment);
            Call(target.Gemm(batched), groups, w, alwaysWrap: true);
            Lap("GEMM " + g.Comment, w);
        }

        void Lap(string label, CodeWriter w)
        {
            if (target.Lap(label) is string statement) w.Line(statement);
        }

        void EmitZero(ZeroStep z, CodeWriter w)
        {
            string type = CSharpDialect.Instance.TypeName(views.TypeOf(z.Tensor));
            w.Line(z.Tensor.Storage == StorageKind.ParamGrad ? $"// Zero the gradient of {z.Tensor.Name}" : $"// Zero {z.Tensor.Name}");
            w.Line(target.Zero(Pointer(z.Tensor), type, z.Elements));
        }

        void RequireType(TensorRef tensor, ScalarType expected, string role)
        {
            var actual = views.TypeOf(tensor);
            if (actual != expected) throw new EmitException($"{role} needs {expected} elements, but tensor '{tensor.Name}' holds {actual}.");
        }

        static string Bool(bool value) => value ? "true" : "false";

        /// <summary><c>name(a, b);</c> on one line if it fits, else one argument group per line.</summary>
        static void Call(string name, IReadOnlyList<string> groups, CodeWriter w, bool alwaysWrap)
        {
            string line = $"{name}({string.Join(", ", groups)});";
            if (!alwaysWrap && w.Depth * 4 + line.Length <= KernelEmitter.LineWidth)
            {
                w.Line(line);
                return;
            }
            w.Line(name + "(");
            for (int i = 0; i < groups.Count; i++) w.Line("    " + groups[i] + (i + 1 < groups.Count ? "," : ");"));
        }
    }
}
