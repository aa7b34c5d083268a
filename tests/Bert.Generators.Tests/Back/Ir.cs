using System.Collections.Immutable;
using Bert.Generators.Common;
using Bert.Generators.Kernels;

namespace Bert.Generators.Tests.Back;

/// <summary>Terse constructors for hand-built kernel IR in tests.</summary>
static class Ir
{
    public static Expr F(float value) => new FloatConst(value);
    public static Expr I(long value) => new IntConst(value);
    public static Expr V(string name) => new VarExpr(name);
    public static Expr Size(SizeExpr size) => new SizeConst(size);
    public static Expr Load(string buffer, Expr index) => new LoadExpr(buffer, index);

    public static Expr Add(Expr a, Expr b) => new BinaryExpr(BinaryOp.Add, a, b);
    public static Expr Sub(Expr a, Expr b) => new BinaryExpr(BinaryOp.Sub, a, b);
    public static Expr Mul(Expr a, Expr b) => new BinaryExpr(BinaryOp.Mul, a, b);
    public static Expr Div(Expr a, Expr b) => new BinaryExpr(BinaryOp.Div, a, b);
    public static Expr IntDiv(Expr a, Expr b) => new BinaryExpr(BinaryOp.IntDiv, a, b);
    public static Expr Mod(Expr a, Expr b) => new BinaryExpr(BinaryOp.IntMod, a, b);
    public static Expr Max(Expr a, Expr b) => new BinaryExpr(BinaryOp.Max, a, b);
    public static Expr Less(Expr a, Expr b) => new BinaryExpr(BinaryOp.Less, a, b);
    public static Expr Select(Expr condition, Expr whenTrue, Expr whenFalse) => new SelectExpr(condition, whenTrue, whenFalse);
    public static Expr Unary(UnaryOp op, Expr operand) => new UnaryExpr(op, operand);
    public static Expr Uniform(Expr seed, Expr counter) => new UniformExpr(seed, counter);

    public static SizeExpr Sym(string name) => SizeExpr.Symbol(name);
    public static SizeExpr Const(long value) => SizeExpr.Constant(value);

    public static LetStmt Let(string name, Expr value, ScalarType type = ScalarType.F32) => new(name, type, value);
    public static StoreStmt Store(string buffer, Expr index, Expr value) => new(buffer, index, value);
    public static StoreStmt AddTo(string buffer, Expr index, Expr value) => new(buffer, index, value, Accumulate: true);

    public static KernelBuffer In(string name, ScalarType type = ScalarType.F32) => new(name, type, BufferAccess.Read);
    public static KernelBuffer Out(string name, ScalarType type = ScalarType.F32) => new(name, type, BufferAccess.Write);
    public static KernelBuffer InOut(string name, ScalarType type = ScalarType.F32) => new(name, type, BufferAccess.ReadWrite);

    public static ImmutableArray<T> List<T>(params T[] items) => ImmutableArray.Create(items);
}
