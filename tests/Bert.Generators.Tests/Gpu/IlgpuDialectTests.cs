using Bert.Generators.Emit;
using Bert.Generators.Kernels;
using Bert.Runtime.Cpu;
using Bert.Runtime.Execution;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using static Bert.Generators.Tests.Back.Ir;

namespace Bert.Generators.Tests.Gpu;

/// <summary>
/// The ILGPU dialect's spellings compile as an ILGPU kernel and run on ILGPU's CPU accelerator: the kernel body below
/// is the text the dialect renders (checked first), and its results match the same expression run as plain C#.
/// </summary>
public class IlgpuDialectTests
{
    static void Kernel(Index1D i, ArrayView<float> x, ArrayView<float> y, ulong seed)
    {
        float a = x[i];
        y[i] = XMath.Exp(a - XMath.Max(a, 0.5f)) + a * (1f + KernelMath.Erf(a * 0.70710677f)) + Philox.Uniform(seed, (ulong)(int)i);
    }

    [Fact]
    public void Rendered_intrinsics_compile_and_run_on_the_cpu_accelerator()
    {
        var a = V("a");
        var expr = Add(Add(Unary(UnaryOp.Exp, Sub(a, Max(a, F(0.5f)))), Mul(a, Add(F(1f), Unary(UnaryOp.Erf, Mul(a, F(0.70710677f)))))),
            Uniform(V("seed"), V("i")));
        var scope = new TypeScope().DeclareVariable("a", ScalarType.F32).DeclareVariable("seed", ScalarType.U64).DeclareVariable("i", ScalarType.U64);
        Assert.Equal("XMath.Exp(a - XMath.Max(a, 0.5f)) + a * (1f + KernelMath.Erf(a * 0.70710677f)) + Philox.Uniform(seed, i)",
            new ExprRenderer(IlgpuDialect.Instance).Render(expr, scope));

        const int n = 64;
        const ulong seed = 1234;
        var input = new float[n];
        for (int k = 0; k < n; k++) input[k] = (k - n / 2) * 0.125f;

        using var context = Context.Create(b => b.CPU(new CPUDevice(4, 4, 2)).EnableAlgorithms());
        using var accelerator = context.CreateCPUAccelerator(0);
        using var x = accelerator.Allocate1D(input);
        using var y = accelerator.Allocate1D<float>(n);
        var launch = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ulong>(Kernel);
        launch(n, x.View, y.View, seed);
        accelerator.Synchronize();
        var output = y.GetAsArray1D();

        for (int k = 0; k < n; k++)
        {
            float v = input[k];
            float expected = MathF.Exp(v - MathF.Max(v, 0.5f)) + v * (1f + KernelMath.Erf(v * 0.70710677f)) + Philox.Uniform(seed, (ulong)k);
            Assert.True(MathF.Abs(output[k] - expected) <= 1e-6f * MathF.Max(1f, MathF.Abs(expected)), $"element {k}: {output[k]} vs {expected}");
        }
    }
}
