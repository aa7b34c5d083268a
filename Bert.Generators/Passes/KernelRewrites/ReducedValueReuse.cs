using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Kernels;

namespace Bert.Generators.Passes
{
    /// <summary>
    /// Computes once a per-element term that a row reduction and a later store both evaluate, when the term is
    /// costly (an exponential, a Philox draw): the softmax's e^(x − max) is summed and then scaled, the attention
    /// dropout's backward term is dotted with the probabilities and then stored. The term goes into the element
    /// that the later store overwrites, in a pass of its own fused with the reduction, and both uses read it back.
    /// The buffer must be one the kernel stores once, element-wise, and never reads before that store; the rows
    /// stay independent, so this holds for any row order.
    /// </summary>
    internal static class ReducedValueReuse
    {
        public static Kernel Apply(Kernel kernel)
        {
            if (kernel.Body is not RowwiseBody rows || rows.RowsMayCollide) return kernel;
            var stages = rows.Stages.ToList();
            for (int r = 0; r < stages.Count; r++)
            {
                if (stages[r] is not ReduceStage reduce) continue;
                foreach (var (term, store) in Candidates(reduce.Value, stages, r, rows))
                {
                    var readBack = new LoadExpr(store.Buffer, store.Index);
                    for (int s = r; s < stages.Count; s++) stages[s] = StoredValueReuse.Replace(stages[s], term, readBack);
                    stages.Insert(r, new MapStage(ImmutableArray.Create<Stmt>(new StoreStmt(store.Buffer, store.Index, term))));
                    r++;
                    break;
                }
            }
            return kernel with { Body = rows with { Stages = stages.ToImmutableArray() } };
        }

        /// <summary>Costly terms of the reduction, largest first, that a later element-wise store into an eligible buffer evaluates too.</summary>
        static IEnumerable<(Expr Term, StoreStmt Store)> Candidates(Expr value, List<RowStage> stages, int reduce, RowwiseBody rows)
        {
            var stores = new List<StoreStmt>();
            for (int m = reduce + 1; m < stages.Count; m++)
                if (stages[m] is MapStage map)
                    stores.AddRange(map.Body.OfType<StoreStmt>().Where(s => Eligible(s, stages, m, rows)));
            foreach (var term in PreOrder(value).Where(e => IsCostly(e) && UsesColumn(e)))
                foreach (var store in stores)
                    if (Contains(store.Value, term)) yield return (term, store);
        }

        /// <summary>
        /// A plain store of the row's own element into a buffer no other statement stores, and that nothing loads
        /// before it (later statements may read it back at the same element).
        /// </summary>
        static bool Eligible(StoreStmt store, List<RowStage> stages, int home, RowwiseBody rows)
        {
            if (store.Accumulate || !StoredValueReuse.IsElementIndex(store.Index, rows)) return false;
            if (stages.SelectMany(KernelFacts.Stored).Count(b => b == store.Buffer) != 1) return false;
            var upToStore = new MapStage(((MapStage)stages[home]).Body.TakeWhile(s => !ReferenceEquals(s, store)).Append(store).ToImmutableArray());
            return !stages.Take(home).Append(upToStore).SelectMany(KernelFacts.Loaded).Contains(store.Buffer);
        }

        /// <summary><paramref name="e"/> and its subexpressions, parents first.</summary>
        static List<Expr> PreOrder(Expr e)
        {
            var all = new List<Expr>();
            ExprTree.Walk(e, all.Add);
            return all;
        }

        /// <summary>Contains a Philox draw or a transcendental function.</summary>
        static bool IsCostly(Expr e) =>
            ExprTree.Any(e, x => x is UniformExpr || x is UnaryExpr { Op: UnaryOp.Exp or UnaryOp.Log or UnaryOp.Tanh or UnaryOp.Erf });

        static bool UsesColumn(Expr e) => ExprTree.Any(e, x => x is VarExpr { Name: "j" });

        static bool Contains(Expr e, Expr term) => ExprTree.Any(e, x => x.Equals(term));
    }
}
