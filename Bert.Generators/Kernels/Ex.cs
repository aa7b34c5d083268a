using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Common;

namespace Bert.Generators.Kernels
{
    /// <summary>Short constructors for kernel-IR expressions, and the tree rewrites fusion is built on.</summary>
    internal static class Ex
    {
        public static readonly Expr I = new VarExpr("i");
        public static readonly Expr Row = new VarExpr("row");
        public static readonly Expr J = new VarExpr("j");

        public static Expr F(float value) => new FloatConst(value);
        public static Expr N(long value) => new IntConst(value);
        public static Expr V(string name) => new VarExpr(name);
        public static Expr Size(SizeExpr size) => size.IsConstant ? N(size.Coefficient) : new SizeConst(size);
        public static Expr Load(string buffer, Expr index) => new LoadExpr(buffer, index);
        public static Expr Add(Expr a, Expr b) => new BinaryExpr(BinaryOp.Add, a, b);
        public static Expr Sub(Expr a, Expr b) => new BinaryExpr(BinaryOp.Sub, a, b);
        public static Expr Mul(Expr a, Expr b) => new BinaryExpr(BinaryOp.Mul, a, b);
        public static Expr Div(Expr a, Expr b) => new BinaryExpr(BinaryOp.Div, a, b);
        public static Expr Max(Expr a, Expr b) => new BinaryExpr(BinaryOp.Max, a, b);
        public static Expr Less(Expr a, Expr b) => new BinaryExpr(BinaryOp.Less, a, b);
        public static Expr Equal(Expr a, Expr b) => new BinaryExpr(BinaryOp.Equal, a, b);
        public static Expr Select(Expr c, Expr t, Expr f) => new SelectExpr(c, t, f);
        public static Expr Unary(UnaryOp op, Expr x) => new UnaryExpr(op, x);

        /// <summary>Integer <c>a / b</c>, simplified when b is 1.</summary>
        public static Expr IntDiv(Expr a, SizeExpr b) => IsOne(b) ? a : new BinaryExpr(BinaryOp.IntDiv, a, Size(b));

        /// <summary>Integer <c>a % b</c>.</summary>
        public static Expr Mod(Expr a, SizeExpr b) => IsOne(b) ? N(0) : new BinaryExpr(BinaryOp.IntMod, a, Size(b));

        /// <summary><c>a * b + c</c> for index arithmetic, dropping multiplications by 1 and additions of 0.</summary>
        public static Expr MulAdd(Expr a, SizeExpr b, Expr c)
        {
            var product = IsOne(b) ? a : IsZero(a) ? N(0) : Mul(a, Size(b));
            return IsZero(c) ? product : IsZero(product) ? c : Add(product, c);
        }

        static bool IsOne(SizeExpr s) => s.IsConstant && s.Coefficient == 1;
        static bool IsZero(Expr e) => e is IntConst { Value: 0 };

        /// <summary>Rewrites an expression top-down: where <paramref name="replace"/> returns non-null, that replaces the node.</summary>
        public static Expr Rewrite(Expr e, Func<Expr, Expr?> replace)
        {
            var replaced = replace(e);
            if (replaced != null) return replaced;
            return e switch
            {
                LoadExpr l => l with { Index = Rewrite(l.Index, replace) },
                UnaryExpr u => u with { Operand = Rewrite(u.Operand, replace) },
                BinaryExpr b => b with { Left = Rewrite(b.Left, replace), Right = Rewrite(b.Right, replace) },
                SelectExpr s => new SelectExpr(Rewrite(s.Condition, replace), Rewrite(s.WhenTrue, replace), Rewrite(s.WhenFalse, replace)),
                UniformExpr r => r with { Seed = Rewrite(r.Seed, replace), Counter = Rewrite(r.Counter, replace), OnlyBelow = r.OnlyBelow is { } bound ? Rewrite(bound, replace) : null },
                _ => e,
            };
        }

        public static Stmt Rewrite(Stmt s, Func<Expr, Expr?> replace) => s switch
        {
            StoreStmt st => st with { Index = Rewrite(st.Index, replace), Value = Rewrite(st.Value, replace) },
            LetStmt let => let with { Value = Rewrite(let.Value, replace) },
            _ => s,
        };


        /// <summary>Replaces variable <paramref name="name"/> by <paramref name="with"/>.</summary>
        public static Expr Substitute(Expr e, string name, Expr with) =>
            Rewrite(e, x => x is VarExpr v && v.Name == name ? with : null);

        /// <summary>Renames buffers in loads and stores.</summary>
        public static Expr RenameBuffers(Expr e, IReadOnlyDictionary<string, string> names) =>
            Rewrite(e, x => x is LoadExpr l && names.TryGetValue(l.Buffer, out var n) ? new LoadExpr(n, RenameBuffers(l.Index, names)) : null);

        public static ImmutableArray<T> List<T>(params T[] items) => items.ToImmutableArray();
    }
}
