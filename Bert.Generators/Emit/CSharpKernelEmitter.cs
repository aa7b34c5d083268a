using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Bert.Generators.Common;
using Bert.Generators.Kernels;

namespace Bert.Generators.Emit
{
    /// <summary>
    /// A kernel as a private static method of the model class (which is <c>unsafe</c>): element and row loops run as
    /// contiguous ranges on <c>ParallelRows</c>; rows that may collide run in order on the calling thread. A kernel with
    /// a vector loop is generic over its lanes (<see cref="CSharpVectorRenderer.Lanes"/>), so that one text runs at the
    /// width of the machine.
    /// </summary>
    internal sealed class CSharpKernelEmitter : KernelEmitter
    {
        /// <summary>Set by the first vector loop this emitter writes.</summary>
        bool vectorized;

        /// <summary>When true the emitter only finds out whether the kernel vectorizes (see <see cref="HasVectorLoops"/>).</summary>
        readonly bool probing;

        public CSharpKernelEmitter() : this(probing: false)
        {
        }

        CSharpKernelEmitter(bool probing) : base(new ExprRenderer(CSharpDialect.Instance)) => this.probing = probing;

        /// <summary>
        /// Whether the kernel's C# has a vector loop, so that its method is generic over the lanes' width: found by
        /// emitting it once, and kept for the kernel (its declaration, its calls and the model's entry points ask).
        /// </summary>
        public static bool HasVectorLoops(Kernel kernel) => (bool)VectorLoops.GetValue(kernel, k =>
        {
            var probe = new CSharpKernelEmitter(probing: true);
            probe.Emit(k, new CodeWriter());
            return probe.vectorized;
        });

        /// <summary>Each kernel's answer, for as long as the kernel lives (the generator reuses plans across edits).</summary>
        static readonly ConditionalWeakTable<Kernel, object> VectorLoops = new ConditionalWeakTable<Kernel, object>();

        /// <summary>The call of a kernel's method: with the lanes type argument where it is generic.</summary>
        public static string MethodName(Kernel kernel) => HasVectorLoops(kernel) ? $"{kernel.Name}<{CSharpVectorRenderer.Lanes}>" : kernel.Name;

        protected override string Declaration(Kernel kernel) => $"private static void {(probing ? kernel.Name : MethodName(kernel))}";

        protected override string? Constraint(Kernel kernel) => !probing && HasVectorLoops(kernel) ? RuntimeTargets.LanesConstraint : null;

        protected override string PointerType(KernelBuffer buffer) => Dialect.TypeName(buffer.Type) + "*";

        protected override void BeginElementLoop(Kernel kernel, SizeExpr count, CodeWriter w)
        {
            w.Line($"ParallelRows.For({count}, KernelGrain.Elements, (start, end) =>");
            w.Open();
            w.Line("for (int i = start; i < end; i++)");
            w.Open();
        }

        protected override void EndElementLoop(CodeWriter w)
        {
            w.Close();
            w.Close("});");
        }

        protected override void BeginRowLoop(Kernel kernel, RowwiseBody body, CodeWriter w)
        {
            if (body.RowsMayCollide && !ColumnsAreIndependent(body))
            {
                w.Line("// Rows may add into the same elements: run them in order.");
                w.Line($"for (int row = 0; row < {body.Rows}; row++)");
                w.Open();
                return;
            }
            if (body.RowsMayCollide)
            {
                // Element j of one row only ever adds into column j of another: split the columns, not the rows.
                columnRange = true;
                w.Line("// Rows may add into the same elements: each thread takes its own columns and runs every row over them, in order.");
                w.Line($"ParallelRows.For({body.Cols}, KernelGrain.Columns, (firstColumn, endColumn) =>");
                w.Open();
                w.Line($"for (int row = 0; row < {body.Rows}; row++)");
                w.Open();
                return;
            }
            w.Line($"ParallelRows.For({body.Rows}, KernelGrain.Rows({body.Cols}), (start, end) =>");
            w.Open();
            w.Line("for (int row = start; row < end; row++)");
            w.Open();
        }

        /// <summary>
        /// A reduction over the row's columns, a vector of them at a time when its value has a vector form (the lanes
        /// combine at the end, then a scalar loop takes the last <c>cols % TLanes.Count</c> columns).
        /// </summary>
        protected override void EmitReduce(Kernel kernel, ReduceStage reduce, SizeExpr cols, TypeScope scope, CodeWriter w)
        {
            var vector = new CSharpVectorRenderer(Renderer);
            if (!vector.CanRender(reduce.Value, scope))
            {
                base.EmitReduce(kernel, reduce, cols, scope, w);
                return;
            }
            EmitVectorReduce(reduce, cols, storedFirst: null, vector, scope, w);
        }

        /// <summary>
        /// A map whose stores the next reduction reads back (e.g. the residual sum LayerNorm then averages, or logits
        /// whose maximum softmax needs) as one loop: store element j, then fold it into the reduction's lanes.
        /// </summary>
        protected override bool TryEmitMapThenReduce(Kernel kernel, RowwiseBody body, int stage, TypeScope scope, CodeWriter w)
        {
            if (!MapFeedsReduce(body, stage)) return false;
            var vector = new CSharpVectorRenderer(Renderer);
            var map = (MapStage)body.Stages[stage];
            var reduce = (ReduceStage)body.Stages[stage + 1];
            if (!vector.CanRender(map.Body, scope) || !vector.CanRender(reduce.Value, scope)) return false;
            EmitVectorReduce(reduce, body.Cols, map, vector, scope, w);
            return true;
        }

        /// <summary>The vector reduction loop and its scalar tail; <paramref name="storedFirst"/>'s stores, if any, run in the same loop first.</summary>
        void EmitVectorReduce(ReduceStage reduce, SizeExpr cols, MapStage? storedFirst, CSharpVectorRenderer vector, TypeScope scope, CodeWriter w)
        {
            bool sum = reduce.Op == ReduceOp.Sum;
            string lanes = reduce.Result + "Lanes", type = CSharpVectorRenderer.Lanes;
            w.Line($"var {lanes} = {(sum ? $"{type}.Zero" : $"{type}.Create(float.NegativeInfinity)")};");
            BeginVectorLoop(cols, w);
            if (storedFirst != null) VectorStores(storedFirst, vector, scope, w);
            string value = vector.Render(reduce.Value, scope);
            w.Line(sum ? $"{lanes} += {value};" : $"{lanes} = {type}.Max({lanes}, {value});");
            w.Close();
            w.Line($"float {reduce.Result} = {type}.{(sum ? "Sum" : "MaxAcross")}({lanes});");
            scope.DeclareVariable(reduce.Result, ScalarType.F32);
            if (!BeginTailLoop(cols, w)) return;
            if (storedFirst != null) foreach (var stmt in storedFirst.Body) w.Line(Renderer.Statement(stmt, scope));
            var accumulated = sum ? reduce.Value : new BinaryExpr(BinaryOp.Max, new VarExpr(reduce.Result), reduce.Value);
            w.Line($"{reduce.Result} {(sum ? "+=" : "=")} {Renderer.Render(accumulated, scope)};");
            w.Close();
        }

        /// <summary>Element-wise stores, a vector of columns at a time when every store has a vector form, then the tail.</summary>
        protected override void EmitMap(RowwiseBody body, MapStage map, TypeScope scope, CodeWriter w)
        {
            var vector = new CSharpVectorRenderer(Renderer);
            if (body.RowsMayCollide && !columnRange || !vector.CanRender(map.Body, scope))
            {
                base.EmitMap(body, map, scope, w);
                return;
            }
            if (columnRange)
            {
                EmitColumnRangeMap(map, vector, scope, w);
                return;
            }
            BeginVectorLoop(body.Cols, w);
            VectorStores(map, vector, scope, w);
            w.Close();
            if (!BeginTailLoop(body.Cols, w)) return;
            foreach (var stmt in map.Body) w.Line(Renderer.Statement(stmt, scope));
            w.Close();
        }

        /// <summary>The map's stores on the lanes at column j (accumulating stores add to what is there).</summary>
        static void VectorStores(MapStage map, CSharpVectorRenderer vector, TypeScope scope, CodeWriter w)
        {
            string type = CSharpVectorRenderer.Lanes;
            foreach (var store in map.Body.Cast<StoreStmt>())
            {
                string address = vector.Address(store.Buffer, store.Index, scope), value = vector.Render(store.Value, scope);
                w.Line(store.Accumulate ? $"{type}.Store({type}.Load({address}) + {value}, {address});" : $"{type}.Store({value}, {address});");
            }
        }

        /// <summary>A map over this thread's columns [firstColumn, endColumn): a vector at a time, then the rest one by one.</summary>
        void EmitColumnRangeMap(MapStage map, CSharpVectorRenderer vector, TypeScope scope, CodeWriter w)
        {
            vectorized = true;
            w.Line("int j = firstColumn;");
            w.Line($"for (; j <= endColumn - {CSharpVectorRenderer.Count}; j += {CSharpVectorRenderer.Count})");
            w.Open();
            VectorStores(map, vector, scope, w);
            w.Close();
            w.Line("for (; j < endColumn; j++)");
            w.Open();
            foreach (var stmt in map.Body) w.Line(Renderer.Statement(stmt, scope));
            w.Close();
        }

        /// <summary>Opens the vector loop over [0, <paramref name="cols"/>), <c>TLanes.Count</c> columns an iteration.</summary>
        void BeginVectorLoop(SizeExpr cols, CodeWriter w)
        {
            vectorized = true;
            w.Line($"for (int j = 0; j <= {cols} - {CSharpVectorRenderer.Count}; j += {CSharpVectorRenderer.Count})");
            w.Open();
        }

        /// <summary>Opens the scalar loop over the columns a vector loop leaves; false (nothing opened) when none can be left at any width.</summary>
        static bool BeginTailLoop(SizeExpr cols, CodeWriter w)
        {
            if (cols.Coefficient % CSharpVectorRenderer.WidestCount == 0) return false;
            w.Line($"for (int j = {cols} - {cols} % {CSharpVectorRenderer.Count}; j < {cols}; j++)");
            w.Open();
            return true;
        }

        /// <summary>Matrix rows per chunk of a column reduction: a fixed size, so the sums do not depend on the thread count.</summary>
        const int ColumnSumChunk = 512;

        /// <summary>
        /// A column reduction (rows are the columns of a matrix and <c>j</c> walks down one, e.g. <c>j * stride + row</c>)
        /// reads one float per cache line when each row sums alone. Instead the matrix is cut into fixed chunks of
        /// <see cref="ColumnSumChunk"/> of its rows, summed in parallel, each chunk reading its rows whole (a vector of columns
        /// at a time where the loads allow) into its own partial sums; then each column adds its chunks' sums in chunk
        /// order, and the row's later stages run as usual.
        /// </summary>
        protected override void EmitRows(Kernel kernel, RowwiseBody body, TypeScope scope, CodeWriter w)
        {
            if (body.RowsMayCollide || body.Stages[0] is not ReduceStage { Op: ReduceOp.Sum } reduce || !WalksColumns(reduce.Value))
            {
                base.EmitRows(kernel, body, scope, w);
                return;
            }
            string sums = reduce.Result + "s", slot = $"{sums} + row";
            var vector = new CSharpVectorRenderer(Renderer, lane: "row");
            w.Line("// Partial column sums over fixed chunks of rows, in parallel: whole rows are read, contiguously.");
            w.Line($"int chunks = ({body.Cols} + {ColumnSumChunk - 1}) / {ColumnSumChunk};");
            w.Line($"using var scratch = new ScratchFloats((long)chunks * {body.Rows});");
            w.Line("float* partialSums = scratch.Pointer;");
            w.Line("ParallelRows.For(chunks, 1, (firstChunk, endChunk) =>");
            w.Open();
            w.Line("for (int chunk = firstChunk; chunk < endChunk; chunk++)");
            w.Open();
            w.Line($"float* {sums} = partialSums + (long)chunk * {body.Rows};");
            w.Line($"new Span<float>({sums}, {body.Rows}).Clear();");
            w.Line($"int chunkEnd = Math.Min({body.Cols}, (chunk + 1) * {ColumnSumChunk});");
            w.Line($"for (int j = chunk * {ColumnSumChunk}; j < chunkEnd; j++)");
            w.Open();
            w.Line("int row = 0;");
            bool rowsVectorize = vector.CanRender(reduce.Value, scope);
            if (rowsVectorize)
            {
                vectorized = true;
                string type = CSharpVectorRenderer.Lanes;
                w.Line($"for (; row <= {body.Rows} - {CSharpVectorRenderer.Count}; row += {CSharpVectorRenderer.Count})");
                w.Open();
                w.Line($"{type}.Store({type}.Load({slot}) + {vector.Render(reduce.Value, scope)}, {slot});");
                w.Close();
            }
            if (!rowsVectorize || body.Rows.Coefficient % CSharpVectorRenderer.WidestCount != 0 || !body.Rows.IsConstant)
            {
                w.Line($"for (; row < {body.Rows}; row++)");
                w.Open();
                w.Line($"{sums}[row] += {Renderer.Render(reduce.Value, scope)};");
                w.Close();
            }
            w.Close();
            w.Close();
            w.Close("});");
            w.Blank();
            w.Line("// Each column adds its chunks' sums in chunk order.");
            // A later map stage walks the whole column again (a fused pointwise store), which sets the work per row.
            string rowLength = body.Stages.Skip(1).Any(stage => stage is MapStage) ? body.Cols.ToString() : "chunks";
            w.Line($"ParallelRows.For({body.Rows}, KernelGrain.Rows({rowLength}), (start, end) =>");
            w.Open();
            w.Line("for (int row = start; row < end; row++)");
            w.Open();
            w.Line($"float {reduce.Result} = 0f;");
            w.Line($"for (int chunk = 0; chunk < chunks; chunk++) {reduce.Result} += partialSums[(long)chunk * {body.Rows} + row];");
            scope.DeclareVariable(reduce.Result, ScalarType.F32);
            if (body.Stages.Length > 1) w.Blank();
            EmitStages(kernel, body, 1, scope, w);
            w.Close();
            w.Close("});");
        }

        /// <summary>Whether the value loads down a column: an index that uses <c>row</c> and <c>j</c> but is not <c>base + j</c>.</summary>
        static bool WalksColumns(Expr value) =>
            ExprTree.Any(value, e => e is LoadExpr load && Uses(load.Index, "row") && Uses(load.Index, "j") && !AlongRow(load.Index));

        static bool AlongRow(Expr index) =>
            index is BinaryExpr { Op: BinaryOp.Add, Right: VarExpr { Name: "j" } } add && !Uses(add.Left, "j");

        static bool Uses(Expr e, string variable) => ExprTree.Any(e, x => x is VarExpr v && v.Name == variable);

        protected override void EndRowLoop(RowwiseBody body, CodeWriter w)
        {
            w.Close();
            if (!body.RowsMayCollide || columnRange) w.Close("});");
            columnRange = false;
        }

        protected override void BeginColumnLoop(SizeExpr cols, CodeWriter w)
        {
            w.Line(columnRange ? "for (int j = firstColumn; j < endColumn; j++)" : $"for (int j = 0; j < {cols}; j++)");
            w.Open();
        }

        /// <summary>Inside a colliding row kernel split by columns: map loops walk this thread's [firstColumn, endColumn).</summary>
        bool columnRange;

        /// <summary>
        /// Whether threads may take different columns of every row: only maps (no reductions across a row, no once-per-row
        /// stores) whose stores all land on column j of some row (<c>base + j</c>), so two threads never touch one element.
        /// </summary>
        static bool ColumnsAreIndependent(RowwiseBody body) => body.Stages.All(stage => stage switch
        {
            ScalarStage scalars => scalars.RowStores.IsDefaultOrEmpty,
            MapStage map => map.Body.All(stmt => stmt is StoreStmt store && AlongRow(store.Index)),
            _ => false,
        });
    }
}
