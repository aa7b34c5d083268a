namespace Bert.Runtime.Tests.Gpu;

/// <summary>CPU references for the GPU tests' kernels.</summary>
static class GpuReference
{
    public static float Gelu(float x) => 0.5f * x * (1f + Erf(x * 0.70710678118f));

    // Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7); .NET has no Math.Erf.
    static float Erf(float x)
    {
        double t = 1 / (1 + 0.3275911 * Math.Abs(x));
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        double y = 1 - poly * Math.Exp(-(double)x * x);
        return (float)(x < 0 ? -y : y);
    }

    public static float[] LayerNorm(float[] x, float[] gamma, float[] beta, int cols, float eps)
    {
        float[] result = new float[x.Length];
        for (int r = 0; r < x.Length / cols; r++)
        {
            var row = x.AsSpan(r * cols, cols);
            double mean = 0, variance = 0;
            foreach (float v in row) mean += v;
            mean /= cols;
            foreach (float v in row) variance += (v - mean) * (v - mean);
            double rstd = 1 / Math.Sqrt(variance / cols + eps);
            for (int c = 0; c < cols; c++) result[r * cols + c] = (float)((row[c] - mean) * rstd * gamma[c] + beta[c]);
        }
        return result;
    }

    /// <summary>fp32 → bf16 bits, rounding to nearest even (finite inputs).</summary>
    public static ushort ToBf16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1)) >> 16);
    }

    public static float FromBf16(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>Row-major C = alpha·op(A)·op(B) + beta·C (the CPU Blas.Sgemm contract).</summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, float[] a, int lda,
        float[] b, int ldb, float beta, float[] c, int ldc)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                    sum += (transA ? a[p * lda + i] : a[i * lda + p]) * (double)(transB ? b[j * ldb + p] : b[p * ldb + j]);
                c[i * ldc + j] = (float)(alpha * sum + beta * c[i * ldc + j]);
            }
    }

    public static float[] Random(int length, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(_ => random.NextSingle() * 4 - 2)];
    }
}
