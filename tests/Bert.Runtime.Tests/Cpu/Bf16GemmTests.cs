using Bert.Runtime.Cpu;

namespace Bert.Runtime.Tests.Cpu;

/// <summary>bf16 rounding, and the bf16-operand GEMM (oneDNN) against a double-precision product of the rounded operands.</summary>
public unsafe class Bf16GemmTests
{
    [Theory]
    [InlineData(1f, 0x3F80)]
    [InlineData(-2f, 0xC000)]
    [InlineData(0f, 0x0000)]
    [InlineData(-0f, 0x8000)]
    [InlineData(float.PositiveInfinity, 0x7F80)]
    [InlineData(float.NegativeInfinity, 0xFF80)]
    [InlineData(float.MaxValue, 0x7F80)]            // rounds up past the largest bf16: +∞
    [InlineData(1.00390625f, 0x3F80)]               // 1 + 2⁻⁸: a tie, to the even 1
    [InlineData(1.01171875f, 0x3F82)]               // 1 + 3·2⁻⁸: a tie, to the even 1 + 2⁻⁶
    [InlineData(1e-40f, 0x0001)]                    // a subnormal
    public void Rounding_is_to_nearest_with_ties_to_even(float value, int expected)
    {
        Assert.Equal((ushort)expected, Bf16.FromFloat(value));
    }

    [Fact]
    public void Nan_stays_a_quiet_nan_and_values_round_to_the_nearest_bf16()
    {
        Assert.True(float.IsNaN(Bf16.ToFloat(Bf16.FromFloat(float.NaN))));
        Assert.True(float.IsNaN(Bf16.ToFloat(Bf16.FromFloat(BitConverter.UInt32BitsToSingle(0x7F800001)))));   // a NaN whose top bits alone read as ∞
        Assert.Equal(3.140625f, Bf16.ToFloat(Bf16.FromFloat(3.14159f)));
        Assert.Equal(0x3F81, Bf16.FromFloat(BitConverter.UInt32BitsToSingle(0x3F808001)));   // just above the tie at 1 + 2⁻⁸: up
    }

    [Fact]
    public void The_vector_conversion_gives_the_scalar_bits_for_every_element_of_a_strided_block()
    {
        var rng = new Random(3);
        const int rows = 5, cols = 37, ld = 41;
        var source = new float[rows * ld];
        for (int i = 0; i < source.Length; i++) source[i] = (float)((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-6, 6)));
        float[] special = [float.NaN, float.PositiveInfinity, -0f, 1.00390625f, 1.01171875f, float.MaxValue, -1e-40f];
        special.CopyTo(source, 3);
        special.CopyTo(source, 2 * ld + 17);
        var bits = new ushort[rows * cols];
        fixed (float* s = source) fixed (ushort* d = bits) Bf16.FromFloats(s, rows, cols, ld, d);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                Assert.Equal(Bf16.FromFloat(source[r * ld + c]), bits[r * cols + c]);
    }

    // Single values, partial tiles, a wide C; 600 × 2,500 is over Bf16Gemm's 2²⁰-value blocks: two blocks of rows of A
    // as stored, two slices of k of A stored transposed (the second partial).
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 5, 3)]
    [InlineData(33, 47, 129)]
    [InlineData(20, 30, 2500)]
    [InlineData(3, 600, 64)]
    [InlineData(600, 20, 2500)]
    public void The_product_is_the_fp32_product_of_the_rounded_operands(int m, int n, int k)
    {
        var rng = new Random(m * 31 + n * 7 + k);
        foreach (bool transA in new[] { false, true })
            foreach (bool transB in new[] { false, true })
                foreach (var (alpha, beta) in new[] { (1f, 0f), (0.5f, 2f) })
                {
                    int lda = (transA ? m : k) + 2, ldb = (transB ? k : n) + 1, ldc = n + 3;
                    float[] a = Random(rng, (transA ? k : m) * lda), b = Random(rng, (transB ? n : k) * ldb), c = Random(rng, m * ldc);
                    var expected = new double[m * n];
                    var tolerance = new double[m * n];
                    for (int i = 0; i < m; i++)
                        for (int j = 0; j < n; j++)
                        {
                            double sum = 0, magnitude = 0;
                            for (int p = 0; p < k; p++)
                            {
                                double x = Rounded(transA ? a[p * lda + i] : a[i * lda + p]), y = Rounded(transB ? b[j * ldb + p] : b[p * ldb + j]);
                                sum += x * y;
                                magnitude += Math.Abs(x * y);
                            }
                            expected[i * n + j] = alpha * sum + beta * c[i * ldc + j];
                            // Products of bf16 values are exact in fp32; what is left is fp32 accumulation and C's rounding, a
                            // few dozen ulps of the terms' magnitude (fp32 operands would be off by ~2⁻⁹ of it: 60× more).
                            tolerance[i * n + j] = 4e-6 * (Math.Abs(alpha) * magnitude + Math.Abs(beta * c[i * ldc + j]));
                        }
                    fixed (float* pa = a, pb = b, pc = c) Bf16Gemm.Sgemm(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
                    for (int i = 0; i < m; i++)
                        for (int j = 0; j < n; j++)
                            Assert.True(Math.Abs(c[i * ldc + j] - expected[i * n + j]) <= tolerance[i * n + j],
                                $"{m}x{n}x{k} transA {transA} transB {transB}: C[{i},{j}] = {c[i * ldc + j]}, expected {expected[i * n + j]}");
                }
    }

    [Fact]
    public void Inside_a_bf16_scope_blas_rounds_operands_and_outside_it_does_not()
    {
        if (Bf16Gemm.Unavailable is { } why)
        {
            // No AVX512_BF16 here: the scope is refused with the reason, and products stay fp32.
            var refused = Assert.Throws<NotSupportedException>(Blas.UseBf16Operands);
            Assert.Equal(why, refused.Message);
            Assert.False(Blas.Bf16Operands);
            return;
        }
        // 1 + 2⁻¹⁰ is not a bf16: rounded, its square is 1; in fp32 it is not.
        float[] a = [1 + 1f / 1024], b = [1 + 1f / 1024];
        var c = new float[1];
        fixed (float* pa = a, pb = b, pc = c)
        {
            using (Blas.UseBf16Operands())
            {
                Assert.True(Blas.Bf16Operands);
                Assert.Equal("bf16", Blas.BackendFor(1, 1, 1));
                Blas.Sgemm(false, false, 1, 1, 1, 1f, pa, 1, pb, 1, 0f, pc, 1);
                Assert.Equal(1f, c[0]);
            }
            Assert.False(Blas.Bf16Operands);
            Blas.Sgemm(false, false, 1, 1, 1, 1f, pa, 1, pb, 1, 0f, pc, 1);
            Assert.Equal(a[0] * b[0], c[0]);
        }
    }

    [Fact]
    public void A_machine_without_bf16_is_told_which_cpus_have_it_and_one_without_onednn_how_to_install_it()
    {
        Assert.Contains("AVX512_BF16", Bf16Gemm.Why(cpuHasBf16: false, libraryLoads: true));
        Assert.Contains("--precision fp32", Bf16Gemm.Why(cpuHasBf16: false, libraryLoads: false));
        Assert.Contains("scripts/setup", Bf16Gemm.Why(cpuHasBf16: true, libraryLoads: false));
        Assert.Null(Bf16Gemm.Why(cpuHasBf16: true, libraryLoads: true));
    }

    static double Rounded(float x) => Bf16.ToFloat(Bf16.FromFloat(x));

    static float[] Random(Random rng, int length) => [.. Enumerable.Range(0, length).Select(_ => (float)(rng.NextDouble() * 2 - 1))];
}
