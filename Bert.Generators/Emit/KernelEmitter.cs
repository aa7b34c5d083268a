using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Common;
using Bert.Generators.Kernels;

namespace Bert.Generators.Emit
{
    /// <summary>
    /// The IR walk shared by the CPU C# and ILGPU kernel emitters, which print the finished kernel of the plan as it is
    /// (every rewrite ran before, in <see cref="Passes.KernelRewrites"/>): the `// Fuses:` comment, the parameter list (buffers,
    /// then scalars, then the run-time symbols its sizes use), statements, stages and reductions. Subclasses supply
    /// only the loop scaffolding (parallel row ranges vs threads and blocks) and the cross-thread steps a GPU needs.
    /// </summary>
    internal abstract class KernelEmitter
    {
        protected KernelEmitter(ExprRenderer renderer) => Renderer = renderer;

        protected ExprRenderer Renderer { get; }

        protected TargetDialect Dialect => Renderer.Dialect;

        public void Emit(Kernel kernel, CodeWriter w)
        {
            var parameters = kernel.Buffers.Select(b => $"{PointerType(b)} {b.Name}")
                .Concat(kernel.Scalars.Select(s => $"{Dialect.TypeName(s.Type)} {s.Name}"))
                .Concat(KernelFacts.Symbols(kernel).Select(s => $"{Dialect.TypeName(ScalarType.I32)} {s}"));
            w.Line("// Fuses: " + string.Join(", ", kernel.SourceOps));
            WriteSignature(Declaration(kernel), parameters.ToList(), w);
            if (Constraint(kernel) is { } constraint) w.Line("    " + constraint);
            var scope = TypeScope.Of(kernel);
            w.Open();
            switch (kernel.Body)
            {
                case PointwiseBody p:
                    BeginElementLoop(kernel, p.Count, w);
                    foreach (var stmt in p.Body) w.Line(Renderer.Statement(stmt, scope));
                    EndElementLoop(w);
                    break;
                case RowwiseBody r:
                    EmitRows(kernel, r, scope, w);
                    break;
                default:
                    throw new EmitException($"Kernel {kernel.Name}: unknown body {kernel.Body.GetType().Name}.");
            }
            w.Close();
        }

        /// <summary>The declaration on one line when it fits in <see cref="LineWidth"/>, else one parameter per line.</summary>
        static void WriteSignature(string declaration, IReadOnlyList<string> parameters, CodeWriter w)
        {
            string line = $"{declaration}({string.Join(", ", parameters)})";
            if (w.Depth * 4 + line.Length <= LineWidth)
            {
                w.Line(line);
                return;
            }
            w.Line(declaration + "(");
            for (int i = 0; i < parameters.Count; i++) w.Line("    " + parameters[i] + (i + 1 < parameters.Count ? "," : ")"));
        }

        protected virtual void EmitRows(Kernel kernel, RowwiseBody body, TypeScope scope, CodeWriter w)
        {
            BeginRowLoop(kernel, body, w);
            EmitStages(kernel, body, 0, scope, w);
            EndRowLoop(body, w);
        }

        /// <summary>The row's stages from <paramref name="from"/> on, inside the loop over <c>row</c>.</summary>
        protected void EmitStages(Kernel kernel, RowwiseBody body, int from, TypeScope scope, CodeWriter w)
        {
            for (int s = from; s < body.Stages.Length; s++)
            {
                if (s > from) w.Blank();
                if (TryEmitMapThenReduce(kernel, body, s, scope, w))
                {
                    // Stages after the pair may read what the map stored.
                    if (LaterStagesLoad(body, s, after: s + 1)) StageBarrier(w);
                    s++;
                    continue;
                }
                switch (body.Stages[s])
                {
                    case ReduceStage reduce:
                        EmitReduce(kernel, reduce, body.Cols, scope, w);
                        break;
                    case ScalarStage scalars:
                        foreach (var let in scalars.Lets) w.Line(Renderer.Statement(let, scope));
                        if (scalars.RowStores.Length > 0) EmitRowStores(scalars.RowStores.Select(st => Renderer.Statement(st, scope)).ToList(), w);
                        break;
                    case MapStage map:
                        EmitMap(body, map, scope, w);
                        break;
                    default:
                        throw new EmitException($"Kernel {kernel.Name}: unknown stage {body.Stages[s].GetType().Name}.");
                }
                if (LaterStagesLoad(body, s, after: s)) StageBarrier(w);
            }
        }

        /// <summary><c>for j: statements</c>.</summary>
        protected virtual void EmitMap(RowwiseBody body, MapStage map, TypeScope scope, CodeWriter w)
        {
            BeginColumnLoop(body.Cols, w);
            var accumulate = body.RowsMayCollide ? CollidingAccumulate : null;
            foreach (var stmt in map.Body) w.Line(Renderer.Statement(stmt, scope, accumulate));
            w.Close();
        }

        /// <summary><c>result = identity; for j: result ⊕= value(j)</c>, then the target combines per-thread partials.</summary>
        protected virtual void EmitReduce(Kernel kernel, ReduceStage reduce, SizeExpr cols, TypeScope scope, CodeWriter w)
        {
            if (ExprTypes.Of(reduce.Value, scope) != ScalarType.F32)
                throw new EmitException($"Kernel {kernel.Name}: reduction '{reduce.Result}' must be over F32 values.");
            string identity = reduce.Op == ReduceOp.Sum ? Dialect.FloatLiteral(0f) : Dialect.NegativeInfinity;
            w.Line($"{Dialect.TypeName(ScalarType.F32)} {reduce.Result} = {identity};");
            scope.DeclareVariable(reduce.Result, ScalarType.F32);
            var accumulated = reduce.Op == ReduceOp.Sum ? reduce.Value : new BinaryExpr(BinaryOp.Max, new VarExpr(reduce.Result), reduce.Value);
            BeginColumnLoop(cols, w);
            w.Line($"{reduce.Result} {(reduce.Op == ReduceOp.Sum ? "+=" : "=")} {Renderer.Render(accumulated, scope)};");
            w.Close();
            CombineReduction(reduce, w);
        }

        /// <summary>
        /// A target may run stage <paramref name="stage"/> (a map) and the reduction after it in one pass over the row
        /// (see <see cref="MapFeedsReduce"/>); true when it did.
        /// </summary>
        protected virtual bool TryEmitMapThenReduce(Kernel kernel, RowwiseBody body, int stage, TypeScope scope, CodeWriter w) => false;

        /// <summary>
        /// Whether stage <paramref name="stage"/> is a map whose stores are the row's own elements (row·cols + j, not
        /// accumulated, rows apart) and the next stage a reduction that reads those buffers only at the same element:
        /// then storing and reducing element j in one loop computes the same values with one pass less over the row.
        /// </summary>
        protected static bool MapFeedsReduce(RowwiseBody body, int stage)
        {
            if (body.RowsMayCollide || stage + 1 >= body.Stages.Length) return false;
            if (body.Stages[stage] is not MapStage map || body.Stages[stage + 1] is not ReduceStage reduce) return false;
            var at = Ex.MulAdd(Ex.Row, body.Cols, Ex.J);
            var stores = map.Body.OfType<StoreStmt>().ToList();
            if (stores.Count != map.Body.Length || stores.Any(s => s.Accumulate || !s.Index.Equals(at))) return false;
            var stored = new HashSet<string>(stores.Select(s => s.Buffer));
            bool aligned = true;
            ExprTree.Walk(reduce.Value, e => aligned &= !(e is LoadExpr load && stored.Contains(load.Buffer) && !load.Index.Equals(at)));
            return aligned;
        }

        /// <summary>Whether a stage after stage <paramref name="after"/> loads a buffer that stage <paramref name="stage"/> stores into.</summary>
        static bool LaterStagesLoad(RowwiseBody body, int stage, int after)
        {
            var stored = KernelFacts.Stored(body.Stages[stage]).ToImmutableHashSet();
            return !stored.IsEmpty && body.Stages.Skip(after + 1).Any(s => KernelFacts.Loaded(s).Any(stored.Contains));
        }

        /// <summary>Longest line before a signature wraps.</summary>
        public const int LineWidth = 120;

        /// <summary>Everything before the parameter list, e.g. <c>private static void Name</c>.</summary>
        protected abstract string Declaration(Kernel kernel);

        /// <summary>A <c>where</c> clause after the parameter list (a generic kernel's), or null.</summary>
        protected virtual string? Constraint(Kernel kernel) => null;

        protected abstract string PointerType(KernelBuffer buffer);

        /// <summary>Opens the loop over <c>i</c> in [0, count).</summary>
        protected abstract void BeginElementLoop(Kernel kernel, SizeExpr count, CodeWriter w);

        protected abstract void EndElementLoop(CodeWriter w);

        /// <summary>Opens the loop over <c>row</c> (or binds <c>row</c> to this block).</summary>
        protected abstract void BeginRowLoop(Kernel kernel, RowwiseBody body, CodeWriter w);

        protected abstract void EndRowLoop(RowwiseBody body, CodeWriter w);

        /// <summary>Opens a loop over this thread's share of <c>j</c> in [0, cols); closed with <see cref="CodeWriter.Close"/>.</summary>
        protected abstract void BeginColumnLoop(SizeExpr cols, CodeWriter w);

        /// <summary>After the column loop of a reduction: combine the partial results of the row's threads.</summary>
        protected virtual void CombineReduction(ReduceStage reduce, CodeWriter w)
        {
        }

        /// <summary>Stores of row scalars, which must happen once per row.</summary>
        protected virtual void EmitRowStores(IReadOnlyList<string> stores, CodeWriter w)
        {
            foreach (string store in stores) w.Line(store);
        }

        /// <summary>Between a stage and a later stage that loads what it stored.</summary>
        protected virtual void StageBarrier(CodeWriter w)
        {
        }

        /// <summary>How an accumulating store (buffer, index, value) is spelled when rows may collide; null keeps a plain <c>+=</c>.</summary>
        protected virtual Func<string, string, string, string>? CollidingAccumulate => null;
    }
}
