using System;

namespace Bert.Generators.Kernels
{
    /// <summary>Traversal of the kernel IR's expression trees, shared by the passes and the emitters.</summary>
    internal static class ExprTree
    {
        /// <summary>Visits <paramref name="expr"/> and all its subexpressions, parents first.</summary>
        public static void Walk(Expr expr, Action<Expr> visit)
        {
            visit(expr);
            switch (expr)
            {
                case LoadExpr l: Walk(l.Index, visit); break;
                case UnaryExpr u: Walk(u.Operand, visit); break;
                case BinaryExpr b: Walk(b.Left, visit); Walk(b.Right, visit); break;
                case SelectExpr s: Walk(s.Condition, visit); Walk(s.WhenTrue, visit); Walk(s.WhenFalse, visit); break;
                case UniformExpr r:
                    Walk(r.Seed, visit);
                    Walk(r.Counter, visit);
                    if (r.OnlyBelow is { } bound) Walk(bound, visit);
                    break;
            }
        }

        /// <summary>Whether <paramref name="expr"/> or one of its subexpressions satisfies <paramref name="predicate"/>.</summary>
        public static bool Any(Expr expr, Func<Expr, bool> predicate)
        {
            bool found = false;
            Walk(expr, x => found |= predicate(x));
            return found;
        }
    }
}
