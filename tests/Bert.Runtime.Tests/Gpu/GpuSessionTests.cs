using Bert.Graph;
using Bert.Runtime.Cuda;
using Bert.Runtime.Execution;
using Bert.Runtime.Gpu;
using Bert.Tests;
using ILGPU.Runtime;
using Xunit.Abstractions;

namespace Bert.Runtime.Tests.Gpu;

/// <summary>
/// The GPU session's own work (copies, clears, address checks, GEMMs, the bf16 conversion kernel) against CPU
/// references, on <see cref="TestGpu"/>: the simulator in every run, GPU 0 with BERT_TEST_GPU=1.
/// </summary>
public sealed class GpuSessionTests(ITestOutputHelper output)
{
    static ParameterSpec Spec(string name, int elements) => new(name, name, [elements], Init.Zeros, 0f, false);

    GpuSession Open(params ParameterSpec[] specs)
    {
        var session = GpuSession.Open(TestGpu.Spec, TestGpu.NoKernels("SessionOnly"), specs);
        output.WriteLine(session.Device.ToString());
        return session;
    }

    [Fact]
    public void Copies_round_trip_and_clears_zero_exactly_the_range()
    {
        using var gpu = Open(Spec("x", 1000));
        float[] values = GpuReference.Random(1000, seed: 1);
        gpu.UploadParameters(values);
        float[] back = new float[1000];
        gpu.DownloadParameters(back);
        Assert.Equal(values, back);

        gpu.Zero(gpu.ParameterAt(100), 50);
        gpu.DownloadParameters(back);
        for (int i = 0; i < back.Length; i++) Assert.Equal(i is >= 100 and < 150 ? 0f : values[i], back[i]);

        // Odd byte counts and other element types go through the same float buffers.
        gpu.Upload<int>([7, -8, 9], gpu.ParameterAt(10));
        int[] ints = new int[3];
        gpu.Download<int>(gpu.ParameterAt(10), ints);
        Assert.Equal([7, -8, 9], ints);
    }

    [Fact]
    public void Addresses_outside_a_buffer_are_errors_that_name_the_tensor()
    {
        using var gpu = Open(Spec("x", 64));
        var past = Assert.Throws<InvalidOperationException>(() => gpu.Zero(gpu.ParameterAt(60), 5));
        Assert.Contains("A zeroed tensor (5 floats at element 60)", past.Message);
        Assert.Contains("Parameters buffer of 64 floats", past.Message);
        Assert.Throws<InvalidOperationException>(() => gpu.ParameterAt(65));
        Assert.Throws<InvalidOperationException>(() => gpu.ArenaAt(0));   // no forward pass yet
        var foreign = Assert.Throws<ArgumentException>(() => gpu.Download(0x1234UL, new float[1]));
        Assert.Contains("not an address of this session", foreign.Message);
        var gemm = Assert.Throws<InvalidOperationException>(() =>
            gpu.Gemm(false, false, 8, 8, 8, 1f, gpu.ParameterAt(0), 8, gpu.ParameterAt(0), 8, 0f, gpu.ParameterAt(16), 8));
        Assert.Contains("GEMM operand C", gemm.Message);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Gemm_matches_the_cpu_row_major_contract(bool transA, bool transB)
    {
        const int m = 33, n = 65, k = 47;
        int lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 1, ldc = n + 2;
        float[] a = GpuReference.Random((transA ? k : m) * lda, seed: 8), b = GpuReference.Random((transB ? n : k) * ldb, seed: 9);
        float[] c = GpuReference.Random(m * ldc, seed: 10);
        using var gpu = Open(Spec("a", a.Length), Spec("b", b.Length), Spec("c", c.Length));
        gpu.UploadParameters([.. a, .. b, .. c]);

        gpu.Gemm(transA, transB, m, n, k, 0.75f, gpu.ParameterAt(0), lda, gpu.ParameterAt(a.Length), ldb, 0.5f, gpu.ParameterAt(a.Length + b.Length), ldc);

        float[] actual = new float[c.Length];
        gpu.Download<float>(gpu.ParameterAt(a.Length + b.Length), actual);
        GpuReference.Sgemm(transA, transB, m, n, k, 0.75f, a, lda, b, ldb, 0.5f, c, ldc);
        // fp32 both sides; only the summation order differs (47 products of O(1) terms).
        for (int i = 0; i < c.Length; i++) Assert.Equal(c[i], actual[i], 1e-4f);
    }

    [Fact]
    public void Bf16_conversion_rounds_to_nearest_even_and_keeps_specials()
    {
        float[] x = [.. GpuReference.Random(4093, seed: 7),
            1f + MathF.Pow(2, -8),                          // a tie: rounds down to the even 1.0
            1f + 3 * MathF.Pow(2, -8),                      // a tie: rounds up to the even 1.0 + 2^-6
            float.PositiveInfinity, float.NegativeInfinity, float.NaN, -0f, float.Epsilon];
        using var device = TestGpu.Open();
        var accelerator = device.Accelerator;
        var kernels = new RuntimeKernels(accelerator);
        using var input = accelerator.Allocate1D(x);
        using var converted = accelerator.Allocate1D<ushort>(x.Length);
        kernels.ToBf16(accelerator.DefaultStream, input.View, converted.View);
        ushort[] actual = converted.GetAsArray1D();

        for (int i = 0; i < x.Length; i++)
            if (float.IsNaN(x[i])) Assert.True(float.IsNaN(GpuReference.FromBf16(actual[i])));
            else Assert.Equal(GpuReference.ToBf16(x[i]), actual[i]);
        Assert.Equal(0x3F80, actual[4093]);
        Assert.Equal(0x3F82, actual[4094]);
    }

    [Fact]
    public void A_gpu_that_is_not_there_is_a_clear_error_with_or_without_a_driver()
    {
        var error = Assert.Throws<CudaUnavailableException>(() => GpuDevice.Open(DeviceSpec.Cuda(99)));
        output.WriteLine(error.Message);
        // Without libcuda the driver is named with how to install it; with one, the GPUs that exist are.
        Assert.True(error.Message.Contains("libcuda.so.1") || error.Message.Contains("cuda:99 was requested"), error.Message);
    }

    [GpuFact]
    public void Bf16_gemm_on_tensor_cores_accumulates_in_fp32()
    {
        const int batch = 3, m = 16, n = 24, k = 32;
        // Inputs are bf16-exact, so fp32 accumulation reproduces the fp32 CPU product closely.
        float[] a = [.. GpuReference.Random(batch * m * k, seed: 11).Select(v => GpuReference.FromBf16(GpuReference.ToBf16(v)))];
        float[] b = [.. GpuReference.Random(batch * k * n, seed: 12).Select(v => GpuReference.FromBf16(GpuReference.ToBf16(v)))];
        var specs = new[] { Spec("a", a.Length), Spec("b", b.Length), Spec("c", batch * m * n) };
        using var gpu = GpuSession.Open(TestGpu.Spec, TestGpu.NoKernels("Bf16Gemm"), specs, new GpuOptions(GemmPrecision.Bf16));
        Assert.Equal(GemmPrecision.Bf16, gpu.GemmPrecision);
        gpu.UploadParameters([.. a, .. b, .. new float[batch * m * n]]);

        gpu.GemmStridedBatched(false, false, m, n, k, 1f, gpu.ParameterAt(0), k, m * k, gpu.ParameterAt(a.Length), n, k * n,
            0f, gpu.ParameterAt(a.Length + b.Length), n, m * n, batch);

        float[] actual = new float[batch * m * n];
        gpu.Download<float>(gpu.ParameterAt(a.Length + b.Length), actual);
        for (int i = 0; i < batch; i++)
        {
            float[] expected = new float[m * n];
            GpuReference.Sgemm(false, false, m, n, k, 1f, a[(i * m * k)..], k, b[(i * k * n)..], n, 0f, expected, n);
            for (int j = 0; j < m * n; j++) Assert.Equal(expected[j], actual[i * m * n + j], 1e-3f);
        }
    }
}
