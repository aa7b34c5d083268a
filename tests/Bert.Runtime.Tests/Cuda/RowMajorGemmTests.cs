using Bert.Runtime.Cuda.Blas;

namespace Bert.Runtime.Tests.Cuda;

/// <summary>
/// The row-major → column-major operand swap, checked by running the mapped arguments through a
/// column-major reference GEMM (cuBLAS semantics) on row-major data and comparing with a row-major GEMM.
/// </summary>
public class RowMajorGemmTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Column_major_gemm_of_swapped_operands_equals_row_major_gemm(bool transA, bool transB)
    {
        const int m = 3, n = 5, k = 4;
        var random = new Random(7);
        // Stored shapes (row-major): A is m×k or k×m, B is k×n or n×k; leading dims are padded.
        int aCols = transA ? m : k, bCols = transB ? k : n;
        int lda = aCols + 2, ldb = bCols + 1, ldc = n + 3;
        float[] a = Random(random, (transA ? k : m) * lda), b = Random(random, (transB ? n : k) * ldb);
        float[] c = Random(random, m * ldc);
        float[] expected = (float[])c.Clone();
        RowMajor(transA, transB, m, n, k, 0.5f, a, lda, b, ldb, -1.25f, expected, ldc);

        var cm = RowMajorGemm.ToColumnMajor(transA, transB, m, n, k, (Data: a, Ld: lda), (Data: b, Ld: ldb));
        ColumnMajor(cm.TransFirst, cm.TransSecond, cm.M, cm.N, cm.K, 0.5f, cm.First.Data, cm.First.Ld,
            cm.Second.Data, cm.Second.Ld, -1.25f, c, ldc);

        for (int i = 0; i < c.Length; i++) Assert.Equal(expected[i], c[i], 4);
    }

    static float[] Random(Random random, int length) => [.. Enumerable.Range(0, length).Select(_ => random.NextSingle() * 2 - 1)];

    static void RowMajor(bool transA, bool transB, int m, int n, int k, float alpha, float[] a, int lda,
        float[] b, int ldb, float beta, float[] c, int ldc)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float sum = 0;
                for (int p = 0; p < k; p++)
                    sum += (transA ? a[p * lda + i] : a[i * lda + p]) * (transB ? b[j * ldb + p] : b[p * ldb + j]);
                c[i * ldc + j] = alpha * sum + beta * c[i * ldc + j];
            }
    }

    // cuBLAS's definition: element (r, col) of a column-major matrix with leading dimension ld is at r + col*ld.
    static void ColumnMajor(bool transA, bool transB, int m, int n, int k, float alpha, float[] a, int lda,
        float[] b, int ldb, float beta, float[] c, int ldc)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float sum = 0;
                for (int p = 0; p < k; p++)
                    sum += (transA ? a[p + i * lda] : a[i + p * lda]) * (transB ? b[j + p * ldb] : b[p + j * ldb]);
                c[i + j * ldc] = alpha * sum + beta * c[i + j * ldc];
            }
    }
}
