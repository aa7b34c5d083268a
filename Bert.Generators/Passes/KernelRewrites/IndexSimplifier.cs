using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Common;
using Bert.Generators.Kernels;

namespace Bert.Generators.Passes
{
    /// <summary>
    /// Removes integer divisions and remainders that the loop bounds make redundant. Fused row kernels index their
    /// operands through a flat element index <c>a * C + b</c>, where <c>b</c> is a loop variable known to lie in
    /// [0, C) (<c>j</c> when the row has C columns, <c>row</c> when there are C rows); then
    /// <c>(a * C + b) % C</c> is <c>b</c> and <c>(a * C + b) / (C * K)</c> is <c>a / K</c>. Without this a bias
    /// broadcast over a run-time width (<c>bias[(row * Vocab + j) % Vocab]</c>) costs an integer division per element.
    /// Only kernel bodies change: the parameter list (and so every launch) is that of the original kernel.
    /// </summary>
    internal static class IndexSimplifier
    {
        public static Kernel Simplify(Kernel kernel) => kernel.Body switch
        {
            RowwiseBody rows => kernel with { Body = rows with { Stages = rows.Stages.Select(s => Simplify(s, rows)).ToImmutableArray() } },
            _ => kernel,
        };

        static RowStage Simplify(RowStage stage, RowwiseBody rows) => stage switch
        {
            ReduceStage reduce => reduce with { Value = Simplify(reduce.Value, rows) },
            ScalarStage scalars => new ScalarStage(
                scalars.Lets.Select(let => let with { Value = Simplify(let.Value, rows) }).ToImmutableArray(),
                scalars.RowStores.Select(store => store with { Index = Simplify(store.Index, rows), Value = Simplify(store.Value, rows) }).ToImmutableArray()),
            MapStage map => new MapStage(map.Body.Select(stmt => Simplify(stmt, rows)).ToImmutableArray()),
            _ => stage,
        };

        static Stmt Simplify(Stmt stmt, RowwiseBody rows) => stmt switch
        {
            StoreStmt store => store with { Index = Simplify(store.Index, rows), Value = Simplify(store.Value, rows) },
            LetStmt let => let with { Value = Simplify(let.Value, rows) },
            _ => stmt,
        };

        /// <summary>Bottom-up: children first, then this node.</summary>
        static Expr Simplify(Expr e, RowwiseBody rows)
        {
            switch (e)
            {
                case LoadExpr load:
                    return load with { Index = Simplify(load.Index, rows) };
                case UnaryExpr unary:
                    return unary with { Operand = Simplify(unary.Operand, rows) };
                case SelectExpr select:
                    return new SelectExpr(Simplify(select.Condition, rows), Simplify(select.WhenTrue, rows), Simplify(select.WhenFalse, rows));
                case UniformExpr uniform:
                    return uniform with { Seed = Simplify(uniform.Seed, rows), Counter = Simplify(uniform.Counter, rows) };
                case BinaryExpr binary:
                    var simplified = binary with { Left = Simplify(binary.Left, rows), Right = Simplify(binary.Right, rows) };
                    return Fold(simplified, rows) ?? simplified;
                default:
                    return e;
            }
        }

        /// <summary>
        /// <c>(a * C + b) % C → b</c>, <c>(a * C + b) % (C * K) → (a % K) * C + b</c> (a head's slice of a bias),
        /// <c>(a * C + b) / C → a</c>, <c>(a * C + b) / (C * K) → a / K</c>; else null.
        /// </summary>
        static Expr? Fold(BinaryExpr e, RowwiseBody rows)
        {
            if (e.Op != BinaryOp.IntMod && e.Op != BinaryOp.IntDiv) return null;
            if (Size(e.Right) is not { } divisor || !IsFlatIndex(e.Left, rows, out var a, out var b, out var stride)) return null;
            if (divisor.Equals(stride)) return e.Op == BinaryOp.IntMod ? b : a;
            if (divisor.DividedBy(stride) is not { } k) return null;
            if (e.Op == BinaryOp.IntDiv) return new BinaryExpr(BinaryOp.IntDiv, a, Literal(k));
            var slice = new BinaryExpr(BinaryOp.Mul, new BinaryExpr(BinaryOp.IntMod, a, Literal(k)), Literal(stride));
            return new BinaryExpr(BinaryOp.Add, slice, b);
        }

        /// <summary>Whether <paramref name="e"/> is <c>a * C + b</c> with <c>b</c> a loop variable in [0, C).</summary>
        static bool IsFlatIndex(Expr e, RowwiseBody rows, out Expr a, out Expr b, out SizeExpr stride)
        {
            a = b = e;
            stride = SizeExpr.Constant(1);
            if (e is not BinaryExpr { Op: BinaryOp.Add, Left: BinaryExpr { Op: BinaryOp.Mul } product } sum) return false;
            if (Size(product.Right) is not { } c) return false;
            bool bounded = sum.Right is VarExpr v && (v.Name == "j" && rows.Cols.Equals(c) || v.Name == "row" && rows.Rows.Equals(c));
            if (!bounded) return false;
            (a, b, stride) = (product.Left, sum.Right, c);
            return true;
        }

        /// <summary>The size a constant or size expression stands for, else null.</summary>
        internal static SizeExpr? Size(Expr e) => e switch
        {
            IntConst n => SizeExpr.Constant(n.Value),
            SizeConst s => s.Size,
            _ => null,
        };

        static Expr Literal(SizeExpr size) => size.IsConstant ? new IntConst(size.Coefficient) : new SizeConst(size);
    }
}
