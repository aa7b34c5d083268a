using System;
using Bert.Generators.Kernels;

namespace Bert.Generators.Emit
{
    /// <summary>
    /// Renders kernel-IR expressions and statements as C-family source for one <see cref="TargetDialect"/>.
    /// Operators, precedence and parenthesization are shared by the C# dialects;
    /// only the dialect's spellings differ. Parentheses appear only where precedence requires them.
    /// </summary>
    internal sealed class ExprRenderer
    {
        // Precedence levels, tightest first (C and C# agree on all of these).
        const int Primary = 100, Unary = 90, Multiplicative = 80, Additive = 70, Relational = 60, Equality = 50, Conditional = 10;

        readonly Func<string, string> spellVariable;

        /// <param name="dialect">The target's spellings.</param>
        /// <param name="spellVariable">Maps a <see cref="VarExpr"/> name to source text (identity when null).</param>
        public ExprRenderer(TargetDialect dialect, Func<string, string>? spellVariable = null)
        {
            Dialect = dialect;
            this.spellVariable = spellVariable ?? (name => name);
        }

        public TargetDialect Dialect { get; }

        public string Render(Expr expr, TypeScope scope) => Render(expr, scope, out _);

        /// <summary>
        /// A statement line (without the trailing newline). Accumulating stores become <paramref name="atomicAdd"/>
        /// calls (buffer, index, value) when given.
        /// </summary>
        public string Statement(Stmt stmt, TypeScope scope, Func<string, string, string, string>? atomicAdd = null)
        {
            switch (stmt)
            {
                case LetStmt let:
                    string value = Render(let.Value, scope);
                    scope.DeclareVariable(let.Name, let.Type);
                    return $"{Dialect.TypeName(let.Type)} {let.Name} = {value};";
                case StoreStmt store:
                    string index = Render(store.Index, scope);
                    string target = $"{store.Buffer}[{index}]";
                    string stored = Render(store.Value, scope);
                    if (!store.Accumulate) return $"{target} = {stored};";
                    return atomicAdd != null ? atomicAdd(store.Buffer, index, stored) + ";" : $"{target} += {stored};";
                default:
                    throw new EmitException($"Unknown statement {stmt}.");
            }
        }

        string Render(Expr expr, TypeScope scope, out int precedence)
        {
            switch (expr)
            {
                case FloatConst f:
                    string literal = Dialect.FloatLiteral(f.Value);
                    precedence = literal.StartsWith("-", StringComparison.Ordinal) ? Unary : Primary;
                    return literal;
                case IntConst n:
                    precedence = n.Value < 0 ? Unary : Primary;
                    return Dialect.IntLiteral(n.Value);
                case SizeConst s:
                    precedence = s.Size.Symbols.IsEmpty || (s.Size.Symbols.Length == 1 && s.Size.Coefficient == 1) ? Primary : Multiplicative;
                    return s.Size.ToString();
                case VarExpr v:
                    precedence = Primary;
                    return spellVariable(v.Name);
                case LoadExpr load:
                    precedence = Primary;
                    return $"{load.Buffer}[{Render(load.Index, scope)}]";
                case UniformExpr u:
                    precedence = Primary;
                    string draw = Dialect.Uniform(As(ScalarType.U64, u.Seed, scope), As(ScalarType.U64, u.Counter, scope));
                    return u.OnlyBelow is { } bound ? $"({Render(bound, scope)} > {Dialect.FloatLiteral(0f)} ? {draw} : {Dialect.FloatLiteral(1f)})" : draw;
                case UnaryExpr u:
                    return RenderUnary(u, scope, out precedence);
                case BinaryExpr b:
                    return RenderBinary(b, scope, out precedence);
                case SelectExpr s:
                    precedence = Conditional;
                    // ?: is right-associative: the condition and the true branch need a tighter operand.
                    return $"{Operand(s.Condition, scope, Conditional + 1)} ? {Operand(s.WhenTrue, scope, Conditional + 1)} : {Operand(s.WhenFalse, scope, Conditional)}";
                default:
                    throw new EmitException($"Unknown expression {expr}.");
            }
        }

        string RenderUnary(UnaryExpr u, TypeScope scope, out int precedence)
        {
            switch (u.Op)
            {
                case UnaryOp.Neg:
                    precedence = Unary;
                    return "-" + Operand(u.Operand, scope, Primary);
                case UnaryOp.ToF32:
                    return Cast(ScalarType.F32, u.Operand, scope, out precedence);
                case UnaryOp.ToI32:
                    return Cast(ScalarType.I32, u.Operand, scope, out precedence);
                default:
                    precedence = Primary;
                    var type = ExprTypes.Of(u.Operand, scope);
                    return $"{Dialect.UnaryFunction(u.Op, type)}({Render(u.Operand, scope)})";
            }
        }

        string RenderBinary(BinaryExpr b, TypeScope scope, out int precedence)
        {
            if (b.Op == BinaryOp.Max || b.Op == BinaryOp.Min)
            {
                precedence = Primary;
                var type = ExprTypes.Of(b, scope);
                return $"{Dialect.MinMaxFunction(b.Op, type)}({Render(b.Left, scope)}, {Render(b.Right, scope)})";
            }
            (string symbol, int level) = b.Op switch
            {
                BinaryOp.Add => ("+", Additive),
                BinaryOp.Sub => ("-", Additive),
                BinaryOp.Mul => ("*", Multiplicative),
                BinaryOp.Div or BinaryOp.IntDiv => ("/", Multiplicative),
                BinaryOp.IntMod => ("%", Multiplicative),
                BinaryOp.Less => ("<", Relational),
                BinaryOp.LessEqual => ("<=", Relational),
                BinaryOp.Equal => ("==", Equality),
                _ => throw new EmitException($"Unknown binary op {b.Op}."),
            };
            precedence = level;
            // 64-bit arithmetic (seed offsets): C# mixes ulong with int variables only through a cast.
            var operandType = ExprTypes.Of(b, scope) == ScalarType.U64 ? ScalarType.U64 : (ScalarType?)null;
            // Left-associative: the right operand needs strictly tighter binding (a - (b - c)).
            return $"{Operand(b.Left, scope, level, operandType)} {symbol} {Operand(b.Right, scope, level + 1, operandType)}";
        }

        /// <summary>Converts to <paramref name="type"/> with a cast only when the expression has another type.</summary>
        string As(ScalarType type, Expr expr, TypeScope scope) =>
            ExprTypes.Of(expr, scope) == type ? Render(expr, scope) : Cast(type, expr, scope, out _);

        string Cast(ScalarType type, Expr operand, TypeScope scope, out int precedence)
        {
            precedence = Unary;
            return $"({Dialect.TypeName(type)}){Operand(operand, scope, Primary)}";
        }

        /// <summary>
        /// Renders <paramref name="expr"/>, parenthesized if it binds looser than <paramref name="minimum"/>, cast to
        /// <paramref name="type"/> when given and different (a non-negative integer literal converts implicitly).
        /// </summary>
        string Operand(Expr expr, TypeScope scope, int minimum, ScalarType? type = null)
        {
            bool cast = type.HasValue && ExprTypes.Of(expr, scope) != type.Value && !(expr is IntConst { Value: >= 0 });
            string text = cast ? Cast(type!.Value, expr, scope, out int precedence) : Render(expr, scope, out precedence);
            return precedence >= minimum ? text : $"({text})";
        }
    }
}
