using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Kernels;

namespace Bert.Generators.Passes
{
    /// <summary>
    /// Computes a fused row value once when the kernel also stores it. Fusion inlines a value into every stage that
    /// uses it: a residual LayerNorm re-evaluates <c>x + dropout(dense + bias)</c> (a Philox draw each time) in its
    /// mean pass, its variance pass and its output pass, and stores it as well for backward. When a row stage stores
    /// such a value element-wise (<c>sum2[row * C + j] = v</c>, into a buffer the kernel never reads), the store moves
    /// to a pass of its own ahead of the first stage that uses <c>v</c>, and every later use reads the stored element
    /// back. The rows stay independent (each row reads only what it wrote), so this holds for any row order.
    /// </summary>
    internal static class StoredValueReuse
    {
        public static Kernel Apply(Kernel kernel)
        {
            if (kernel.Body is not RowwiseBody rows || rows.RowsMayCollide) return kernel;
            var stages = rows.Stages.ToList();
            foreach (var store in Candidates(rows))
                Reuse(stages, store);
            return kernel with { Body = rows with { Stages = stages.ToImmutableArray() } };
        }

        /// <summary>Element-wise stores of a computed value into a buffer the kernel stores once and never loads.</summary>
        static List<StoreStmt> Candidates(RowwiseBody rows)
        {
            var loaded = new HashSet<string>(rows.Stages.SelectMany(KernelFacts.Loaded));
            var stores = rows.Stages.OfType<MapStage>().SelectMany(m => m.Body.OfType<StoreStmt>()).ToList();
            return stores
                .Where(s => !s.Accumulate && !loaded.Contains(s.Buffer) && stores.Count(o => o.Buffer == s.Buffer) == 1)
                .Where(s => IsElementIndex(s.Index, rows) && IsComputed(s.Value))
                .ToList();
        }

        static void Reuse(List<RowStage> stages, StoreStmt store)
        {
            int home = stages.FindIndex(s => s is MapStage m && m.Body.Contains(store));
            int first = stages.FindIndex(s => Uses(s, store.Value, store));
            if (first < 0 || first > home) return;
            var readBack = new LoadExpr(store.Buffer, store.Index);
            var homeStage = (MapStage)stages[home];
            stages[home] = new MapStage(homeStage.Body.Remove(store));
            for (int s = first; s < stages.Count; s++) stages[s] = Replace(stages[s], store.Value, readBack);
            // Stored first in its own stage when it uses the value, else in a pass of its own before the first user.
            if (first == home) stages[home] = new MapStage(((MapStage)stages[home]).Body.Insert(0, store));
            else
            {
                // The home stage loses its only statement when the store was all it did: drop the empty pass.
                if (((MapStage)stages[home]).Body.IsEmpty) stages.RemoveAt(home);
                stages.Insert(first, new MapStage(ImmutableArray.Create<Stmt>(store)));
            }
        }

        /// <summary><c>row * Cols + j</c>: the row's own element j.</summary>
        internal static bool IsElementIndex(Expr index, RowwiseBody rows) =>
            index is BinaryExpr { Op: BinaryOp.Add, Left: BinaryExpr { Op: BinaryOp.Mul, Left: VarExpr { Name: "row" } } product, Right: VarExpr { Name: "j" } }
            && product.Right switch
            {
                IntConst n => rows.Cols.IsConstant && rows.Cols.Coefficient == n.Value,
                SizeConst s => rows.Cols.Equals(s.Size),
                _ => false,
            };

        /// <summary>More than a plain load or constant: worth keeping rather than recomputing.</summary>
        static bool IsComputed(Expr value) => value is UnaryExpr or BinaryExpr or SelectExpr or UniformExpr;

        /// <summary>Whether a stage evaluates <paramref name="value"/> anywhere other than in <paramref name="store"/> itself.</summary>
        static bool Uses(RowStage stage, Expr value, StoreStmt store)
        {
            bool found = false;
            void Visit(Expr e) => ExprTree.Walk(e, x => found |= x.Equals(value));
            switch (stage)
            {
                case ReduceStage reduce: Visit(reduce.Value); break;
                case ScalarStage scalars:
                    foreach (var let in scalars.Lets) Visit(let.Value);
                    foreach (var rowStore in scalars.RowStores) Visit(rowStore.Value);
                    break;
                case MapStage map:
                    foreach (var stmt in map.Body.Where(s => !s.Equals(store)))
                        if (stmt is StoreStmt st) { Visit(st.Index); Visit(st.Value); }
                        else if (stmt is LetStmt let) Visit(let.Value);
                    break;
            }
            return found;
        }

        internal static RowStage Replace(RowStage stage, Expr value, Expr with)
        {
            Expr R(Expr e) => e.Equals(value) ? with : Rebuild(e, x => R(x));
            return stage switch
            {
                ReduceStage reduce => reduce with { Value = R(reduce.Value) },
                ScalarStage scalars => new ScalarStage(
                    scalars.Lets.Select(l => l with { Value = R(l.Value) }).ToImmutableArray(),
                    scalars.RowStores.Select(s => s with { Value = R(s.Value) }).ToImmutableArray()),
                MapStage map => new MapStage(map.Body.Select(stmt => stmt switch
                {
                    StoreStmt s => (Stmt)(s with { Index = R(s.Index), Value = R(s.Value) }),
                    LetStmt l => l with { Value = R(l.Value) },
                    _ => stmt,
                }).ToImmutableArray()),
                _ => stage,
            };
        }

        /// <summary>The node with <paramref name="child"/> applied to each direct operand.</summary>
        static Expr Rebuild(Expr e, System.Func<Expr, Expr> child) => e switch
        {
            LoadExpr l => l with { Index = child(l.Index) },
            UnaryExpr u => u with { Operand = child(u.Operand) },
            BinaryExpr b => b with { Left = child(b.Left), Right = child(b.Right) },
            SelectExpr s => new SelectExpr(child(s.Condition), child(s.WhenTrue), child(s.WhenFalse)),
            UniformExpr r => r with { Seed = child(r.Seed), Counter = child(r.Counter) },
            _ => e,
        };
    }
}
