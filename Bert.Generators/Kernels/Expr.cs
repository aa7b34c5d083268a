using Bert.Generators.Common;

namespace Bert.Generators.Kernels
{
    /// <summary>
    /// Element type of a buffer, scalar or expression in the kernel IR. <see cref="U64"/> is for random seeds only
    /// (a <see cref="UniformExpr"/>'s seed); buffers hold F32 or I32.
    /// </summary>
    internal enum ScalarType { F32, I32, U64 }

    internal enum UnaryOp { Neg, Exp, Log, Sqrt, Rsqrt, Tanh, Erf, Abs, ToF32, ToI32 }

    internal enum BinaryOp
    {
        Add, Sub, Mul, Div, Max, Min,
        /// <summary>Integer division and remainder, for index arithmetic.</summary>
        IntDiv, IntMod,
        /// <summary>Comparisons yield a boolean usable only as a <see cref="SelectExpr"/> condition.</summary>
        Less, LessEqual, Equal,
    }

    /// <summary>
    /// A target-neutral scalar expression. The CPU C# and ILGPU emitters render the same tree; only the spelling of
    /// intrinsics (MathF.Exp vs expf) and loads differ, so op semantics live in exactly one place.
    /// </summary>
    internal abstract record Expr;

    internal sealed record FloatConst(float Value) : Expr;

    internal sealed record IntConst(long Value) : Expr;

    /// <summary>A loop index (<c>i</c>, <c>row</c>, <c>j</c>), a kernel scalar parameter, a <see cref="LetStmt"/> or a reduction result.</summary>
    internal sealed record VarExpr(string Name) : Expr;

    /// <summary>A run-time dimension or a compile-time size, e.g. <c>Batch * Seq</c>.</summary>
    internal sealed record SizeConst(SizeExpr Size) : Expr;

    internal sealed record LoadExpr(string Buffer, Expr Index) : Expr;

    internal sealed record UnaryExpr(UnaryOp Op, Expr Operand) : Expr;

    internal sealed record BinaryExpr(BinaryOp Op, Expr Left, Expr Right) : Expr;

    internal sealed record SelectExpr(Expr Condition, Expr WhenTrue, Expr WhenFalse) : Expr;

    /// <summary>
    /// Counter-based uniform random number in [0, 1): Philox4x32-10 keyed by <paramref name="Seed"/> at
    /// <paramref name="Counter"/>. The same (seed, counter) gives the same number on CPU and GPU, whatever the threading.
    /// <paramref name="OnlyBelow"/>, when set, says the draw is only ever compared as <c>u &lt; OnlyBelow</c> (a dropout
    /// mask against its probability): where that bound is not positive no draw can be below it, so a target skips the
    /// Philox evaluation and yields 1 (evaluation runs dropout at p = 0).
    /// </summary>
    internal sealed record UniformExpr(Expr Seed, Expr Counter, Expr? OnlyBelow = null) : Expr;
}
