using System.Linq;
using Bert.Generators.Common;
using Bert.Generators.Kernels;

namespace Bert.Generators.Emit
{
    /// <summary>
    /// A kernel as a private static method of the model class (which is <c>unsafe</c>): element and row loops run as
    /// contiguous ranges on <c>ParallelRows</c>; rows that may collide run in order on the calling thread.
    /// </summary>
    internal sealed class CSharpKernelEmitter : KernelEmitter
    {
        public CSharpKernelEmitter() : base(new ExprRenderer(CSharpDialect.Instance))
        {
        }

        protected override string Declaration(Kernel kernel) => $"private static void {kernel.Name}";

        /// <summary>Row values the kernel stores are computed once and read back (see <see cref="StoredValueReuse"/>).</summary>
        protected override Kernel Specialize(Kernel kernel) => StoredValueReuse.Apply(kernel);

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
            if (body.RowsMayCollide)
            {
                w.Line("// Rows may add into the same elements: run them in order.");
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
        /// A reduction over the row's columns, 8 at a time in <c>Vector256</c> lanes when its value has a vector form
        /// (the lanes combine at the end, then a scalar loop takes the last <c>cols % 8</c> columns).
        /// </summary>
        protected override void EmitReduce(Kernel kernel, ReduceStage reduce, SizeExpr cols, TypeScope scope, CodeWriter w)
        {
            var vector = new CSharpVectorRenderer(Renderer);
            if (!vector.CanRender(reduce.Value, scope))
            {
                base.EmitReduce(kernel, reduce, cols, scope, w);
                return;
            }
            bool sum = reduce.Op == ReduceOp.Sum;
            string lanes = reduce.Result + "Lanes", value = vector.Render(reduce.Value, scope);
            w.Line($"var {lanes} = {(sum ? "Vector256<float>.Zero" : "Vector256.Create(float.NegativeInfinity)")};");
            BeginVectorLoop(cols, w);
            w.Line(sum ? $"{lanes} += {value};" : $"{lanes} = Vector256.Max({lanes}, {value});");
            w.Close();
            w.Line($"float {reduce.Result} = {(sum ? $"Vector256.Sum({lanes})" : $"KernelMath.MaxAcross({lanes})")};");
            scope.DeclareVariable(reduce.Result, ScalarType.F32);
            if (!BeginTailLoop(cols, w)) return;
            var accumulated = sum ? reduce.Value : new BinaryExpr(BinaryOp.Max, new VarExpr(reduce.Result), reduce.Value);
            w.Line($"{reduce.Result} {(sum ? "+=" : "=")} {Renderer.Render(accumulated, scope)};");
            w.Close();
        }

        /// <summary>Element-wise stores, 8 columns at a time when every store has a vector form, then the tail.</summary>
        protected override void EmitMap(RowwiseBody body, MapStage map, TypeScope scope, CodeWriter w)
        {
            var vector = new CSharpVectorRenderer(Renderer);
            if (body.RowsMayCollide || !vector.CanRender(map.Body, scope))
            {
                base.EmitMap(body, map, scope, w);
                return;
            }
            BeginVectorLoop(body.Cols, w);
            foreach (var store in map.Body.Cast<StoreStmt>())
            {
                string address = vector.Address(store.Buffer, store.Index, scope), value = vector.Render(store.Value, scope);
                w.Line(store.Accumulate ? $"Vector256.Store(Vector256.Load({address}) + {value}, {address});" : $"Vector256.Store({value}, {address});");
            }
            w.Close();
            if (!BeginTailLoop(body.Cols, w)) return;
            foreach (var stmt in map.Body) w.Line(Renderer.Statement(stmt, scope));
            w.Close();
        }

        void BeginVectorLoop(SizeExpr cols, CodeWriter w)
        {
            w.Line($"for (int j = 0; j <= {cols} - {CSharpVectorRenderer.Width}; j += {CSharpVectorRenderer.Width})");
            w.Open();
        }

        /// <summary>Opens the scalar loop over the columns a vector loop leaves; false (nothing opened) when none can be left.</summary>
        static bool BeginTailLoop(SizeExpr cols, CodeWriter w)
        {
            if (cols.Coefficient % CSharpVectorRenderer.Width == 0) return false;
            w.Line($"for (int j = {cols} - {cols} % {CSharpVectorRenderer.Width}; j < {cols}; j++)");
            w.Open();
            return true;
        }

        /// <summary>Adjacent columns summed together: a block's partial sums fit in L1 and each input row is read contiguously.</summary>
        const int ColumnBlock = 256;

        /// <summary>
        /// A column reduction (rows are the columns of a matrix and <c>j</c> walks down one, e.g. <c>j * stride + row</c>)
        /// reads one float per cache line when each row sums alone. Instead a block of adjacent rows sums together,
        /// walking <c>j</c> in the outer loop (8 rows per vector where the loads allow), so every column still adds its
        /// terms in order (the same result); the row's later stages then run as usual.
        /// </summary>
        protected override void EmitRows(Kernel kernel, RowwiseBody body, TypeScope scope, CodeWriter w)
        {
            if (body.RowsMayCollide || body.Stages[0] is not ReduceStage { Op: ReduceOp.Sum } reduce || !WalksColumns(reduce.Value))
            {
                base.EmitRows(kernel, body, scope, w);
                return;
            }
            string sums = reduce.Result + "s", slot = $"{sums} + (row - block)";
            var vector = new CSharpVectorRenderer(Renderer, lane: "row");
            w.Line($"ParallelRows.For({body.Rows}, KernelGrain.Rows({body.Cols}), (start, end) =>");
            w.Open();
            w.Line("// Sum a block of adjacent columns at once, walking down the rows: contiguous loads, each column in order.");
            w.Line($"float* {sums} = stackalloc float[{ColumnBlock}];");
            w.Line($"for (int block = start; block < end; block += {ColumnBlock})");
            w.Open();
            w.Line($"int blockEnd = Math.Min(end, block + {ColumnBlock});");
            w.Line($"new Span<float>({sums}, {ColumnBlock}).Clear();");
            BeginColumnLoop(body.Cols, w);
            w.Line("int row = block;");
            if (vector.CanRender(reduce.Value, scope))
            {
                w.Line($"for (; row <= blockEnd - {CSharpVectorRenderer.Width}; row += {CSharpVectorRenderer.Width})");
                w.Open();
                w.Line($"Vector256.Store(Vector256.Load({slot}) + {vector.Render(reduce.Value, scope)}, {slot});");
                w.Close();
            }
            w.Line("for (; row < blockEnd; row++)");
            w.Open();
            w.Line($"{sums}[row - block] += {Renderer.Render(reduce.Value, scope)};");
            w.Close();
            w.Close();
            w.Blank();
            w.Line("for (int row = block; row < blockEnd; row++)");
            w.Open();
            w.Line($"float {reduce.Result} = {sums}[row - block];");
            scope.DeclareVariable(reduce.Result, ScalarType.F32);
            if (body.Stages.Length > 1) w.Blank();
            EmitStages(kernel, body, 1, scope, w);
            w.Close();
            w.Close();
            w.Close("});");
        }

        /// <summary>Whether the value loads down a column: an index that uses <c>row</c> and <c>j</c> but is not <c>base + j</c>.</summary>
        static bool WalksColumns(Expr value)
        {
            bool found = false;
            ExprTree.Walk(value, e => found |= e is LoadExpr load && Uses(load.Index, "row") && Uses(load.Index, "j") && !AlongRow(load.Index));
            return found;
        }

        static bool AlongRow(Expr index) =>
            index is BinaryExpr { Op: BinaryOp.Add, Right: VarExpr { Name: "j" } } add && !Uses(add.Left, "j");

        static bool Uses(Expr e, string variable)
        {
            bool found = false;
            ExprTree.Walk(e, x => found |= x is VarExpr v && v.Name == variable);
            return found;
        }

        protected override void EndRowLoop(RowwiseBody body, CodeWriter w)
        {
            w.Close();
            if (!body.RowsMayCollide) w.Close("});");
        }

        protected override void BeginColumnLoop(SizeExpr cols, CodeWriter w)
        {
            w.Line($"for (int j = 0; j < {cols}; j++)");
            w.Open();
        }
    }
}
