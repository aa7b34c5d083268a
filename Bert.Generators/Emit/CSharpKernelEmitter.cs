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

        /// <summary>Adjacent columns summed together: a block's partial sums fit in L1 and each input row is read contiguously.</summary>
        const int ColumnBlock = 256;

        /// <summary>
        /// A column reduction (rows are the columns of a matrix, <c>j</c> walks down one: loads at <c>j * stride + row</c>)
        /// reads one float per cache line when each row sums alone. Instead a block of adjacent rows sums together,
        /// walking <c>j</c> in the outer loop, so every column still adds its terms in order (the same result);
        /// the row's later stages then run as usual.
        /// </summary>
        protected override void EmitRows(Kernel kernel, RowwiseBody body, TypeScope scope, CodeWriter w)
        {
            if (body.RowsMayCollide || body.Stages[0] is not ReduceStage { Op: ReduceOp.Sum } reduce || !WalksColumns(reduce.Value))
            {
                base.EmitRows(kernel, body, scope, w);
                return;
            }
            string sums = reduce.Result + "s";
            w.Line($"ParallelRows.For({body.Rows}, KernelGrain.Rows({body.Cols}), (start, end) =>");
            w.Open();
            w.Line("// Sum a block of adjacent columns at once, walking down the rows: contiguous loads, each column in order.");
            w.Line($"Span<float> {sums} = stackalloc float[{ColumnBlock}];");
            w.Line($"for (int block = start; block < end; block += {ColumnBlock})");
            w.Open();
            w.Line($"int blockEnd = Math.Min(end, block + {ColumnBlock});");
            w.Line($"{sums}.Clear();");
            BeginColumnLoop(body.Cols, w);
            w.Line("for (int row = block; row < blockEnd; row++)");
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

        /// <summary>Whether the value loads at <c>j * stride + row</c> (down a column).</summary>
        static bool WalksColumns(Expr value)
        {
            bool found = false;
            KernelFacts.Walk(value, e => found |= e is LoadExpr
            {
                Index: BinaryExpr { Op: BinaryOp.Add, Left: BinaryExpr { Op: BinaryOp.Mul, Left: VarExpr { Name: "j" } }, Right: VarExpr { Name: "row" } },
            });
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
