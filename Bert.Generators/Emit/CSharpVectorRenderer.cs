using System.Collections.Generic;
using System.Linq;
using Bert.Generators.Kernels;

namespace Bert.Generators.Emit
{
    /// <summary>
    /// Renders a row stage's per-column expression as <c>Vector256&lt;float&gt;</c> code over 8 adjacent columns
    /// (<c>j .. j + 7</c>, or 8 adjacent rows when the lane variable is <c>row</c>), for the C# kernels' vector loops. Only what maps one-to-one onto vector operations is
    /// accepted (<see cref="CanRender"/>): contiguous loads <c>buf[base + j]</c>, values that do not depend on
    /// <c>j</c> (broadcast), + − × ÷, min/max, exp/log/sqrt/abs, and selects on float comparisons or on comparisons
    /// of <c>j</c> with a row value (masks, labels), and Philox draws at consecutive counters (dropout). Anything else
    /// (gathers, tanh, erf, integer arithmetic on j) stays scalar.
    /// </summary>
    internal sealed class CSharpVectorRenderer
    {
        /// <summary>Floats per vector.</summary>
        public const int Width = Passes.KernelRewrites.VectorWidth;

        readonly ExprRenderer scalar;
        readonly string lane;
        readonly IReadOnlyDictionary<UniformExpr, string>? draws;

        /// <param name="scalar">Renders the parts that do not depend on the lane variable.</param>
        /// <param name="lane">The loop variable that steps through the 8 lanes.</param>
        /// <param name="draws">Philox draws already taken into local vectors (see <see cref="WithDraws"/>).</param>
        public CSharpVectorRenderer(ExprRenderer scalar, string lane = "j", IReadOnlyDictionary<UniformExpr, string>? draws = null)
        {
            this.scalar = scalar;
            this.lane = lane;
            this.draws = draws;
        }

        /// <summary>This renderer, with each of <paramref name="taken"/> rendered as the local vector it names.</summary>
        public CSharpVectorRenderer WithDraws(IReadOnlyDictionary<UniformExpr, string> taken) => new(scalar, lane, taken);

        /// <summary>The Philox draws in <paramref name="e"/> that have a vector form, in order of appearance.</summary>
        public IEnumerable<UniformExpr> Draws(Expr e, TypeScope scope)
        {
            var found = new List<UniformExpr>();
            ExprTree.Walk(e, x => { if (x is UniformExpr u && CanRender(u, scope)) found.Add(u); });
            return found;
        }

        /// <summary>The 16 draws of a pair of iterations starting at this one's first lane (<c>Philox.Uniform16</c>).</summary>
        public string Draw16(UniformExpr draw, TypeScope scope) =>
            Skippable(draw, $"Philox.Uniform16({scalar.Render(draw.Seed, scope)}, {scalar.Render(draw.Counter, scope)})", "Philox.Ones16", scope);

        /// <summary>A draw compared only below a bound: no Philox evaluation where the bound is not positive (see <see cref="UniformExpr.OnlyBelow"/>).</summary>
        string Skippable(UniformExpr draw, string evaluated, string ones, TypeScope scope) =>
            draw.OnlyBelow is { } bound ? $"{scalar.Render(bound, scope)} > 0f ? {evaluated} : {ones}" : evaluated;

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

        /// <summary>Whether a store <c>buf[base + j] = value</c> into a float buffer can run 8 columns at a time.</summary>
        public bool CanRender(StoreStmt store, TypeScope scope) =>
            scope.Buffer(store.Buffer) == ScalarType.F32 && IsContiguous(store.Index) && CanRender(store.Value, scope);

        public string Render(Expr e, TypeScope scope) => Render(e, scope, nested: false);

        /// <summary>Arithmetic is parenthesized only as an operand of another operator (<paramref name="nested"/>).</summary>
        string Render(Expr e, TypeScope scope, bool nested)
        {
            if (!UsesColumn(e)) return $"Vector256.Create({scalar.Render(e, scope)})";
            switch (e)
            {
                case LoadExpr load:
                    return $"Vector256.Load({Address(load.Buffer, load.Index, scope)})";
                case UnaryExpr u when u.Op == UnaryOp.Neg:
                    return $"-{Render(u.Operand, scope, nested: true)}";
                case UnaryExpr u when u.Op is UnaryOp.Exp or UnaryOp.Erf:
                    return $"KernelMath.{u.Op}({Render(u.Operand, scope)})";
                case UnaryExpr u:
                    return $"Vector256.{u.Op}({Render(u.Operand, scope)})";
                case BinaryExpr b when b.Op is BinaryOp.Max or BinaryOp.Min:
                    return $"Vector256.{b.Op}({Render(b.Left, scope)}, {Render(b.Right, scope)})";
                case BinaryExpr b:
                    string symbol = b.Op switch { BinaryOp.Add => "+", BinaryOp.Sub => "-", BinaryOp.Mul => "*", _ => "/" };
                    string text = $"{Render(b.Left, scope, nested: true)} {symbol} {Render(b.Right, scope, nested: true)}";
                    return nested ? $"({text})" : text;
                case UniformExpr r when draws != null && draws.TryGetValue(r, out var taken):
                    return taken;
                case UniformExpr r:
                    // Counters of adjacent lanes are consecutive: 8 Philox draws from the first lane's counter.
                    string draw8 = $"Philox.Uniform8({scalar.Render(r.Seed, scope)}, {scalar.Render(r.Counter, scope)})";
                    return r.OnlyBelow is null ? draw8 : $"({Skippable(r, draw8, "Vector256<float>.One", scope)})";
                case SelectExpr s:
                    return $"Vector256.ConditionalSelect({Condition((BinaryExpr)s.Condition, scope)}, {Render(s.WhenTrue, scope)}, {Render(s.WhenFalse, scope)})";
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

        /// <summary>A float mask: all bits set in the lanes where the comparison holds.</summary>
        string Condition(BinaryExpr c, TypeScope scope)
        {
            string function = c.Op switch { BinaryOp.Less => "LessThan", BinaryOp.LessEqual => "LessThanOrEqual", _ => "Equals" };
            if (ExprTypes.Of(c.Left, scope) == ScalarType.F32)
                return $"Vector256.{function}({Render(c.Left, scope)}, {Render(c.Right, scope)})";
            return $"Vector256.{function}({Integers(c.Left, scope)}, {Integers(c.Right, scope)}).AsSingle()";
        }

        /// <summary>The column indices j .. j + 7, or a broadcast row integer.</summary>
        string Integers(Expr e, TypeScope scope) =>
            IsColumn(e) ? $"(Vector256.Create({lane}) + Vector256<int>.Indices)" : $"Vector256.Create({scalar.Render(e, scope)})";

        bool IsColumn(Expr e) => e is VarExpr v && v.Name == lane;

        /// <summary>An integer that grows by one from lane to lane: the lane variable plus terms that do not depend on it.</summary>
        bool StepsByOne(Expr e) =>
            IsColumn(e) || e is BinaryExpr { Op: BinaryOp.Add } add
            && (StepsByOne(add.Left) && !UsesColumn(add.Right) || StepsByOne(add.Right) && !UsesColumn(add.Left));

        /// <summary><c>j</c> or <c>base + j</c> with a base that does not depend on j: 8 adjacent elements.</summary>
        bool IsContiguous(Expr index) =>
            IsColumn(index) || index is BinaryExpr { Op: BinaryOp.Add } add && IsColumn(add.Right) && !UsesColumn(add.Left);

        bool UsesColumn(Expr e) => ExprTree.Any(e, IsColumn);

        /// <summary>Whether a statement list is only stores this renderer accepts.</summary>
        public bool CanRender(System.Collections.Immutable.ImmutableArray<Stmt> body, TypeScope scope) =>
            body.All(s => s is StoreStmt store && CanRender(store, scope));
    }
}
