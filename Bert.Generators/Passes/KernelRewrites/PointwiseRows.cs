using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Common;
using Bert.Generators.Kernels;
using static Bert.Generators.Kernels.Ex;

namespace Bert.Generators.Passes
{
    /// <summary>
    /// Runs an element loop as a row loop over <c>row</c> and <c>j</c> with <c>i = row · C + j</c>, so that a row emitter
    /// walks each row a vector at a time. C is the width the loop broadcasts over when its loads index
    /// <c>i % C</c> or <c>i / C</c> (a bias added to every row, an embedding row looked up per token: the remainders
    /// and quotients then fold away, see <see cref="IndexSimplifier"/>), else the constant factor of its element
    /// count (a gradient sum over 128 · Tokens elements: rows of 128). The element order and every value are unchanged.
    /// </summary>
    internal static class PointwiseRows
    {
        public static Kernel Apply(Kernel kernel)
        {
            if (kernel.Body is not PointwiseBody p || !p.Body.All(s => s is StoreStmt { Index: VarExpr { Name: "i" } })) return kernel;
            var widths = new HashSet<SizeExpr>();
            foreach (var e in KernelFacts.BodyExprs(kernel))
                ExprTree.Walk(e, x =>
                {
                    if (x is BinaryExpr { Op: BinaryOp.IntMod or BinaryOp.IntDiv, Left: VarExpr { Name: "i" } } b && IndexSimplifier.Size(b.Right) is { } w) widths.Add(w);
                });
            // Without a broadcast, rows as wide as the count's constant factor (128 · Tokens: rows of 128).
            if (widths.Count == 0 && p.Count.Coefficient > 1) widths.Add(SizeExpr.Constant(p.Count.Coefficient));
            if (widths.Count != 1) return kernel;
            var cols = widths.Single();
            if (cols.IsConstant && cols.Coefficient < KernelRewrites.VectorWidth || p.Count.DividedBy(cols) is not { } rows) return kernel;
            var at = MulAdd(Row, cols, J);
            var body = p.Body.Select(s => (Stmt)Rewrite((StoreStmt)s, at)).ToImmutableArray();
            return kernel with { Body = new RowwiseBody(rows, cols, ImmutableArray.Create<RowStage>(new MapStage(body))) };
        }

        static StoreStmt Rewrite(StoreStmt store, Expr at) =>
            store with { Index = at, Value = Substitute(store.Value, "i", at) };
    }
}
