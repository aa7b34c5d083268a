using System.Collections.Generic;
using System.Linq;
using Bert.Generators.Kernels;

namespace Bert.Generators.Emit
{
    /// <summary>
    /// Renders a row stage's per-column expression as vector code over <c>TLanes.Count</c> adjacent columns (<c>j ..
    /// j + Count − 1</c>, or adjacent rows when the lane variable is <c>row</c>), for the C# kernels' vector loops: a kernel
    /// with a vector loop is generic over its lanes (<c>TLanes : IFloatLanes&lt;TLanes&gt;</c>, 8 floats with AVX2, 16 with
    /// AVX-512, chosen once per process). Only what maps one-to-one onto vector operations is
    /// accepted (<see cref="CanRender"/>): contiguous loads <c>buf[base + j]</c>, values that do not depend on
    /// <c>j</c> (broadcast), + − × ÷, min/max, exp/log/sqrt/abs, and selects on float comparisons or on comparisons
    /// of <c>j</c> with a row value (masks, labels), and Philox draws at consecutive counters (dropout). Anything else
    /// (gathers, tanh, erf, integer arithmetic on j) stays scalar.
    /// </summary>
    internal sealed class CSharpVectorRenderer
    {
        /// <summary>The type parameter of a kernel with vector loops, and the lane count it stands for.</summary>
        public const string Lanes = "TLanes", Count = Lanes + ".Count";

        /// <summary>The most lanes a vector may have (AVX-512): a size that is a multiple of it leaves no scalar tail at any width.</summary>
        public const int WidestCount = 16;

        readonly ExprRenderer scalar;
        readonly string lane;

        /// <param name="scalar">Renders the parts that do not depend on the lane variable.</param>
        /// <param name="lane">The loop variable that steps through the lanes.</param>
        public CSharpVectorRenderer(ExprRenderer scalar, string lane = "j")
        {
            this.scalar = scalar;
            this.lane = lane;
        }

        /// <summary>A draw compared only below a bound: no Philox evaluation where the bound is not positive (see <see cref="UniformExpr.OnlyBelow"/>).</summary>
        string Skippable(UniformExpr draw, string evaluated, TypeScope scope) =>
            draw.OnlyBelow is { } bound ? $"({scalar.Render(bound, scope)} > 0f ? {evaluated} : {Lanes}.One)" : evaluated;

        public bool CanRender(Expr e, TypeScope scope)
        {
            if (!UsesColumn(e)) return ExprTypes.Of(e, scope) == ScalarType.F32;
            return e switch
            {
                LoadExpr load => scope.Buffer(load.Buffer) == ScalarType.F32 && IsContiguous(load.Index),
                UnaryExpr u => u.Op is UnaryOp.Neg or UnaryOp.Exp or UnaryOp.Erf or UnaryOp.Log or UnaryOp.Sqrt or UnaryOp.Abs && CanRender(u.Operand, scope),
                BinaryExpr b => b.Op is BinaryOp.Add or BinaryOp.Sub or BinaryOp.Mul or BinaryOp.Div or BinaryOp.Max or BinaryOp.Min
                                && CanRender(b.Left, scope) && CanRender(b.Right, scope),
                SelectExpr s => CanRenderCondition(s.Condition, scope) && CanRender(s.WhenTrue, scope) && CanRender(s.WhenFalse, scope),
                UniformExpr r => ExprTypes.Of(r.Seed, scope) == ScalarType.U64 && !UsesColumn(r.Seed) && StepsByOne(r.Counter),
                _ => false,
            };
        }

        /// <summary>Whether a store <c>buf[base + j] = value</c> into a float buffer can run a vector of columns at a time.</summary>
        public bool CanRender(StoreStmt store, TypeScope scope) =>
            scope.Buffer(store.Buffer) == ScalarType.F32 && IsContiguous(store.Index) && CanRender(store.Value, scope);

        public string Render(Expr e, TypeScope scope) => Render(e, scope, nested: false);

        /// <summary>Arithmetic is parenthesized only as an operand of another operator (<paramref name="nested"/>).</summary>
        string Render(Expr e, TypeScope scope, bool nested)
        {
            if (!UsesColumn(e)) return $"{Lanes}.Create({scalar.Render(e, scope)})";
            switch (e)
            {
                case LoadExpr load:
                    return $"{Lanes}.Load({Address(load.Buffer, load.Index, scope)})";
                case UnaryExpr u when u.Op == UnaryOp.Neg:
                    return $"-{Render(u.Operand, scope, nested: true)}";
                case UnaryExpr u when u.Op is UnaryOp.Exp or UnaryOp.Erf:
                    return $"KernelMath.{u.Op}({Render(u.Operand, scope)})";
                case UnaryExpr u:
                    return $"{Lanes}.{u.Op}({Render(u.Operand, scope)})";
                case BinaryExpr b when b.Op is BinaryOp.Max or BinaryOp.Min:
                    return $"{Lanes}.{b.Op}({Render(b.Left, scope)}, {Render(b.Right, scope)})";
                case BinaryExpr b:
                    string symbol = b.Op switch { BinaryOp.Add => "+", BinaryOp.Sub => "-", BinaryOp.Mul => "*", _ => "/" };
                    string text = $"{Render(b.Left, scope, nested: true)} {symbol} {Render(b.Right, scope, nested: true)}";
                    return nested ? $"({text})" : text;
                case UniformExpr r:
                    // Counters of adjacent lanes are consecutive: a vector of Philox draws from the first lane's counter.
                    return Skippable(r, $"{Lanes}.Uniform({scalar.Render(r.Seed, scope)}, {scalar.Render(r.Counter, scope)})", scope);
                case SelectExpr s:
                    return $"{Lanes}.Select({Condition((BinaryExpr)s.Condition, scope)}, {Render(s.WhenTrue, scope)}, {Render(s.WhenFalse, scope)})";
                default:
                    throw new EmitException($"Expression {e} has no vector form.");
            }
        }

        /// <summary>The address of <c>buf[index]</c>, where index is <c>base + j</c>.</summary>
        public string Address(string buffer, Expr index, TypeScope scope) =>
            index is VarExpr ? $"{buffer} + {lane}" : $"{buffer} + ({scalar.Render(index, scope)})";

        bool CanRenderCondition(Expr condition, TypeScope scope)
        {
            if (condition is not BinaryExpr { Op: BinaryOp.Less or BinaryOp.LessEqual or BinaryOp.Equal } c) return false;
            if (ExprTypes.Of(c.Left, scope) == ScalarType.F32) return CanRender(c.Left, scope) && CanRender(c.Right, scope);
            // Integers: only the lane index against a value of the row (j < validLength, j == label).
            return IsColumn(c.Left) && !UsesColumn(c.Right) || IsColumn(c.Right) && !UsesColumn(c.Left);
        }

        /// <summary>
        /// A float mask: all bits set in the lanes where the comparison holds. Integers (the lane index against a row
        /// value) compare as floats, exact below 2²⁴.
        /// </summary>
        string Condition(BinaryExpr c, TypeScope scope)
        {
            string function = c.Op switch { BinaryOp.Less => "LessThan", BinaryOp.LessEqual => "LessThanOrEqual", _ => "Equal" };
            if (ExprTypes.Of(c.Left, scope) == ScalarType.F32)
                return $"{Lanes}.{function}({Render(c.Left, scope)}, {Render(c.Right, scope)})";
            return $"{Lanes}.{function}({Integers(c.Left, scope)}, {Integers(c.Right, scope)})";
        }

        /// <summary>The column indices j, j + 1, …, or a broadcast row integer, as floats.</summary>
        string Integers(Expr e, TypeScope scope) =>
            IsColumn(e) ? $"{Lanes}.Columns({lane})" : $"{Lanes}.Create({scalar.Render(e, scope)})";

        bool IsColumn(Expr e) => e is VarExpr v && v.Name == lane;

        /// <summary>An integer that grows by one from lane to lane: the lane variable plus terms that do not depend on it.</summary>
        bool StepsByOne(Expr e) =>
            IsColumn(e) || e is BinaryExpr { Op: BinaryOp.Add } add
            && (StepsByOne(add.Left) && !UsesColumn(add.Right) || StepsByOne(add.Right) && !UsesColumn(add.Left));

        /// <summary><c>j</c> or <c>base + j</c> with a base that does not depend on j: adjacent elements.</summary>
        bool IsContiguous(Expr index) =>
            IsColumn(index) || index is BinaryExpr { Op: BinaryOp.Add } add && IsColumn(add.Right) && !UsesColumn(add.Left);

        bool UsesColumn(Expr e) => ExprTree.Any(e, IsColumn);

        /// <summary>Whether a statement list is only stores this renderer accepts.</summary>
        public bool CanRender(System.Collections.Immutable.ImmutableArray<Stmt> body, TypeScope scope) =>
            body.All(s => s is StoreStmt store && CanRender(store, scope));
    }
}
