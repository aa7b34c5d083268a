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
    /// tensor clears; block loops as <c>for</c> loops over per-block tables (<see cref="BlockTables"/>). Both targets
    /// share this walk, so they bind the same tensors, scalars and sizes. Step scalars may
    /// name the model's fields (hyper-parameters, dimensions), <c>seed</c> (ulong) and <c>training</c> (1 or 0), which
    /// the enclosing method declares as locals <c>seed</c> and <c>isTraining</c>.
    /// </summary>
    /// <summary>
    /// Where a printed step stands: its index in the step list, and in a loop body the loop, the body position and the
    /// iterations that run it there (all, or all but the first where the first runs a step of its own).
    /// </summary>
    internal sealed record StepPosition(int Index, BlockLoop? Loop, int BodyStep, IReadOnlyList<int> Iterations);

    internal sealed class CSharpStepEmitter
    {
        readonly TensorViews views;
        readonly StepTarget target;
        readonly Dictionary<string, Kernel> kernels;
        static readonly ExprRenderer renderer = new ExprRenderer(CSharpDialect.Instance, name => name == "training" ? "isTraining" : name);
        static readonly TypeScope scope = new TypeScope(undeclaredVariable: ScalarType.F32)
            .DeclareVariable("seed", ScalarType.U64)
            .DeclareVariable("training", ScalarType.I32);

        readonly ExecutionPlan plan;
        /// <summary>The loop whose body is being written, and the body step's index in it; null outside loops.</summary>
        BlockLoop? loop;
        int bodyStep;

        public CSharpStepEmitter(ExecutionPlan plan, ModelLayout layout, StepTarget target)
        {
            this.plan = plan;
            views = layout.Views;
            Tables = layout.Tables;
            this.target = target;
            kernels = plan.Kernels.ToDictionary(k => k.Name);
        }

        /// <summary>The per-block tables the loops read (the CPU program declares and fills them).</summary>
        public BlockTables Tables { get; }

        /// <summary>A step scalar as C#.</summary>
        public static string RenderScalar(Expr value) => renderer.Render(value, scope);

        /// <summary>The target's address of a tensor reference (with its element offset, if any); in a loop body, this block's tensor.</summary>
        public string Pointer(TensorRef tensor)
        {
            string? elementOffset = tensor.ElementOffset == null ? null : renderer.Render(tensor.ElementOffset, scope);
            var view = views[tensor];
            if (loop != null && Tables.Tensor(loop, tensor) is string member) view = view with { Offset = member, Inline = true };
            return target.Pointer(view, elementOffset);
        }

        /// <summary>
        /// Renders the forward (or backward) step list, each step as one block and each of its loops as a <c>for</c> over the
        /// blocks; <paramref name="afterStep"/> may append lines to a step (see <see cref="StepPosition"/>).
        /// </summary>
        public void Emit(bool backward, CodeWriter w, System.Action<StepPosition>? afterStep = null)
        {
            var steps = backward ? plan.Backward : plan.Forward;
            var loops = plan.Loops.Where(l => l.Backward == backward).ToDictionary(l => l.Start);
            for (int i = 0; i < steps.Length; i++)
            {
                if (loops.TryGetValue(i, out var next))
                {
                    EmitLoop(next, steps, w, afterStep);
                    i += next.Extent - 1;
                    continue;
                }
                EmitStep(steps[i], w);
                afterStep?.Invoke(new StepPosition(i, null, 0, new int[0]));
            }
        }

        /// <summary>
        /// A loop over the blocks: the template iteration's steps on the block's table entry; where the first block runs
        /// a step of its own, <c>if (layer == first)</c> that step as it is, else the body's.
        /// </summary>
        void EmitLoop(BlockLoop blocks, IReadOnlyList<Step> steps, CodeWriter w, System.Action<StepPosition>? afterStep)
        {
            var table = Tables[blocks];
            int first = blocks.Blocks[0], last = blocks.Blocks[blocks.Blocks.Length - 1];
            var all = Enumerable.Range(0, blocks.Blocks.Length).ToList();
            w.Blank();
            w.Line($"// {blocks.Field}[{first}] to {blocks.Field}[{last}]: the same steps for each block, on its own tensors ({table.Array}[layer])");
            w.Line(first <= last ? $"for (int layer = {first}; layer <= {last}; layer++)" : $"for (int layer = {first}; layer >= {last}; layer--)");
            w.Open();
            w.Line($"ref readonly {table.Struct} {table.Local} = ref {table.Array}[layer];");
            for (int step = 0; step < blocks.Length; step++)
            {
                int own = blocks.At(0, step);
                if (blocks.Printing(own) != LoopPrinting.Own)
                {
                    EmitBodyStep(blocks, step, steps, w);
                    afterStep?.Invoke(new StepPosition(Body(blocks, step), blocks, step, all));
                    continue;
                }
                w.Blank();
                w.Line($"if (layer == {first})");
                w.Open();
                EmitStep(steps[own], w);
                afterStep?.Invoke(new StepPosition(own, null, step, new[] { 0 }));
                w.Close();
                w.Line("else");
                w.Open();
                EmitBodyStep(blocks, step, steps, w);
                afterStep?.Invoke(new StepPosition(Body(blocks, step), blocks, step, all.Skip(1).ToList()));
                w.Close();
            }
            w.Close();
        }

        void EmitBodyStep(BlockLoop blocks, int step, IReadOnlyList<Step> steps, CodeWriter w)
        {
            loop = blocks;
            bodyStep = step;
            EmitStep(steps[Body(blocks, step)], w);
            loop = null;
        }

        /// <summary>The list index printed as the body's <paramref name="step"/>-th step (<see cref="LoopPrinting.Body"/>).</summary>
        static int Body(BlockLoop blocks, int step) =>
            Enumerable.Range(0, blocks.Blocks.Length).Select(k => blocks.At(k, step)).Single(i => blocks.Printing(i) == LoopPrinting.Body);

        void EmitStep(Step step, CodeWriter w)
        {
            w.Blank();
            switch (step)
            {
                case KernelStep k: EmitKernelCall(k, w); break;
                case GemmStep g: EmitGemm(g, w); break;
                case ZeroStep z: EmitZero(z, w); break;
                case ZeroGradientsStep: w.Line("// Zero every parameter gradient").Line(target.ZeroGradients); break;
                default: throw new EmitException($"Unknown step {step.GetType().Name}.");
            }
        }

        void EmitKernelCall(KernelStep step, CodeWriter w)
        {
            var kernel = kernels[step.Kernel];
            var buffers = kernel.Buffers.Select(buffer => Pointer(step.Buffers[buffer.Name])).ToList();
            var scalars = new List<(string, ScalarType)>();
            foreach (var scalar in kernel.Scalars)
            {
                var value = step.Scalars[scalar.Name];
                string? member = loop == null ? null : Tables.Scalar(loop, bodyStep, scalar.Name);
                scalars.Add((member ?? RenderScalar(value), scalar.Type));
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
            bool batched = !(g.BatchCount.IsConstant && g.BatchCount.Coefficient == 1);
            string Operand(TensorRef t, SizeExpr ld, SizeExpr stride) =>
                Pointer(t) + ", " + ld + (batched ? ", " + SizeText.Render(stride, asLong: true) : "");
            var groups = new List<IReadOnlyList<string>>
            {
                new[] { Bool(g.TransA), Bool(g.TransB), g.M.ToString(), g.N.ToString(), g.K.ToString() },
                new[] { CSharpDialect.Instance.FloatLiteral(g.Alpha), Operand(g.A, g.Lda, g.StrideA) },
                new[] { Operand(g.B, g.Ldb, g.StrideB) },
                new[] { CSharpDialect.Instance.FloatLiteral(g.Beta), Operand(g.C, g.Ldc, g.StrideC) },
            };
            if (batched) groups.Add(new[] { g.BatchCount.ToString() });
            w.Line("// " + g.Comment);
            Call(target.Gemm(batched), groups, w, alwaysWrap: true);
            Lap("GEMM " + g.Comment, w, SizeText.AsDouble(SizeExpr.Constant(2) * g.M * g.N * g.K * g.BatchCount));
        }

        void Lap(string label, CodeWriter w, string? flops = null)
        {
            if (target.Lap(label, flops) is string statement) w.Line(statement);
        }

        void EmitZero(ZeroStep z, CodeWriter w)
        {
            string type = CSharpDialect.Instance.TypeName(views.TypeOf(z.Tensor));
            w.Line(z.Tensor.Storage == StorageKind.ParamGrad ? $"// Zero the gradient of {z.Tensor.Name}" : $"// Zero {z.Tensor.Name}");
            w.Line(target.Zero(Pointer(z.Tensor), type, z.Elements));
        }

        static string Bool(bool value) => value ? "true" : "false";

        /// <summary>
        /// <c>name(a, b);</c> on one line if it fits; else one argument group per line, a group too long for a line wrapped
        /// onto the next ones.
        /// </summary>
        static void Call(string name, IReadOnlyList<IReadOnlyList<string>> groups, CodeWriter w, bool alwaysWrap)
        {
            string line = $"{name}({string.Join(", ", groups.SelectMany(g => g))});";
            if (!alwaysWrap && w.Depth * 4 + line.Length <= KernelEmitter.LineWidth)
            {
                w.Line(line);
                return;
            }
            w.Line(name + "(");
            w.Indent();
            for (int i = 0; i < groups.Count; i++) w.List("", groups[i], i + 1 < groups.Count ? "," : ");");
            w.Dedent();
        }
    }
}
