using Bert.Generators.Emit;
using Bert.Generators.Kernels;
using static Bert.Generators.Tests.Back.Ir;

namespace Bert.Generators.Tests.Back;

/// <summary>One renderer, two dialects (CPU C#, ILGPU C#): precedence is shared, math spellings differ.</summary>
public class ExprRendererTests
{
    static readonly TypeScope Scope = new TypeScope()
        .DeclareVariable("a", ScalarType.F32).DeclareVariable("b", ScalarType.F32).DeclareVariable("c", ScalarType.F32)
        .DeclareVariable("n", ScalarType.I32).DeclareVariable("seed", ScalarType.U64)
        .DeclareBuffer("x", ScalarType.F32);

    static string CSharp(Expr e) => new ExprRenderer(CSharpDialect.Instance).Render(e, Scope);
    static string Ilgpu(Expr e) => new ExprRenderer(IlgpuDialect.Instance).Render(e, Scope);

    [Fact]
    public void Parenthesizes_only_where_precedence_requires()
    {
        Assert.Equal("a - (b - c)", CSharp(Sub(V("a"), Sub(V("b"), V("c")))));
        Assert.Equal("a - b - c", CSharp(Sub(Sub(V("a"), V("b")), V("c"))));
        Assert.Equal("(a + b) * c", CSharp(Mul(Add(V("a"), V("b")), V("c"))));
        Assert.Equal("a + b * c", CSharp(Add(V("a"), Mul(V("b"), V("c")))));
        Assert.Equal("a / (b * c)", CSharp(Div(V("a"), Mul(V("b"), V("c")))));
        Assert.Equal("-(a + b)", CSharp(Unary(UnaryOp.Neg, Add(V("a"), V("b")))));
        Assert.Equal("-(-a)", CSharp(Unary(UnaryOp.Neg, Unary(UnaryOp.Neg, V("a")))));
        Assert.Equal("a * -2f", CSharp(Mul(V("a"), F(-2f))));
        Assert.Equal("(float)(n + 1)", CSharp(Unary(UnaryOp.ToF32, Add(V("n"), I(1)))));
        Assert.Equal("(n < 3 ? a : b) + c", CSharp(Add(Select(Less(V("n"), I(3)), V("a"), V("b")), V("c"))));
        Assert.Equal("x[n * 4 + 1]", CSharp(Load("x", Add(Mul(V("n"), I(4)), I(1)))));
    }

    [Fact]
    public void Ilgpu_dialect_is_csharp_with_xmath_intrinsics()
    {
        var gelu = Mul(V("a"), Add(F(1f), Unary(UnaryOp.Erf, Mul(V("a"), F(0.70710677f)))));
        Assert.Equal("a * (1f + KernelMath.Erf(a * 0.70710677f))", CSharp(gelu));
        Assert.Equal("MathF.Exp(a - MathF.Max(b, c))", CSharp(Unary(UnaryOp.Exp, Sub(V("a"), Max(V("b"), V("c"))))));
        Assert.Equal("Math.Max(n, 0)", CSharp(Max(V("n"), I(0))));
        Assert.Equal("KernelMath.Rsqrt(a + 1E-05f)", CSharp(Unary(UnaryOp.Rsqrt, Add(V("a"), F(1e-5f)))));
        Assert.Equal("float.NegativeInfinity", CSharp(F(float.NegativeInfinity)));
        Assert.Equal("5000000000L", CSharp(I(5_000_000_000)));

        var softmaxTerm = Unary(UnaryOp.Exp, Sub(V("a"), Max(V("b"), V("c"))));
        Assert.Equal("XMath.Exp(a - XMath.Max(b, c))", Ilgpu(softmaxTerm));
        Assert.Equal("XMath.Max(n, 0)", Ilgpu(Max(V("n"), I(0))));
        Assert.Equal("XMath.Rsqrt(a + 1E-05f)", Ilgpu(Unary(UnaryOp.Rsqrt, Add(V("a"), F(1e-5f)))));
        Assert.Equal("a * (1f + KernelMath.Erf(a * 0.70710677f))",
            Ilgpu(Mul(V("a"), Add(F(1f), Unary(UnaryOp.Erf, Mul(V("a"), F(0.70710677f)))))));
        Assert.Equal("float.NegativeInfinity", Ilgpu(F(float.NegativeInfinity)));
        Assert.Equal("5000000000L", Ilgpu(I(5_000_000_000)));
    }

    [Fact]
    public void A_draw_compared_only_below_p_is_not_evaluated_where_p_is_zero()
    {
        // Dropout at evaluation runs with p = 0: u < 0 never holds, so 1 stands in for the Philox draw.
        var scope = Scope.DeclareVariable("p", ScalarType.F32);
        var mask = Less(new UniformExpr(V("seed"), V("n"), OnlyBelow: V("p")), V("p"));
        Assert.Equal("(p > 0f ? Philox.Uniform(seed, (ulong)n) : 1f) < p", new ExprRenderer(CSharpDialect.Instance).Render(mask, scope));
        Assert.Equal("(p > 0f ? Philox.Uniform(seed, (ulong)n) : 1f) < p", new ExprRenderer(IlgpuDialect.Instance).Render(mask, scope));
        Assert.Equal("Philox.Uniform(seed, (ulong)n) < p", new ExprRenderer(CSharpDialect.Instance).Render(Less(Uniform(V("seed"), V("n")), V("p")), scope));   // no bound: always drawn
    }

    [Fact]
    public void Float_literals_round_trip()
    {
        foreach (float value in new[] { 0.1f, 1f / 3f, 0.70710677f, 1e-5f, 3.4028235e38f, 1.17549435e-38f })
        {
            string text = CSharp(F(value));
            Assert.EndsWith("f", text);
            Assert.Equal(value, float.Parse(text.TrimEnd('f'), System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Random_numbers_take_a_64_bit_seed_and_counter()
    {
        Assert.Equal("Philox.Uniform(seed, (ulong)(n * 16))", CSharp(Uniform(V("seed"), Mul(V("n"), I(16)))));
        Assert.Equal("Philox.Uniform(seed + 3, (ulong)n)", Ilgpu(Uniform(Add(V("seed"), I(3)), V("n"))));
        // C# rejects ulong + int without a cast, so a variable offset is cast.
        Assert.Equal("seed + (ulong)n", CSharp(Add(V("seed"), V("n"))));
    }
}
