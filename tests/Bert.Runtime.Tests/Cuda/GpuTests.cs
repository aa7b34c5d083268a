using Bert.Tests;
using Bert.Runtime.Cuda;
using Bert.Runtime.Cuda.Blas;
using Bert.Runtime.Cuda.Kernels;
using Bert.Runtime.Cuda.Nvrtc;
using Xunit.Abstractions;

namespace Bert.Runtime.Tests.Cuda;

/// <summary>
/// Runs the kernels and cuBLAS on a real GPU against CPU references. Opt-in: BERT_TEST_GPU=1 on a
/// machine with an NVIDIA driver (and, for the GEMM tests, cuBLAS); otherwise each test returns early
/// with a logged reason.
/// </summary>
public sealed class GpuTests(ITestOutputHelper output) : IDisposable
{
    readonly string cacheDirectory = Path.Combine(Path.GetTempPath(), "bert-gpu-tests-" + Guid.NewGuid().ToString("N"));
    readonly List<IDisposable> owned = [];

    T Own<T>(T resource) where T : IDisposable
    {
        owned.Add(resource);
        return resource;
    }

    (CudaDevice Device, CudaStream Stream) Open()
    {
        var device = Own(CudaDevice.Open(0));
        output.WriteLine($"{device}, {device.MultiprocessorCount} SMs, {device.TotalMemoryBytes >> 20} MiB, target {device.CompileTarget}");
        return (device, Own(device.CreateStream()));
    }

    DeviceMemory Upload<T>(CudaDevice device, T[] values) where T : unmanaged
    {
        var memory = Own(device.Allocate(values.Length * (long)System.Runtime.CompilerServices.Unsafe.SizeOf<T>())).Memory;
        device.Upload<T>(values, memory);
        return memory;
    }

    CudaKernelSet Kernels(CudaDevice device) =>
        Own(CudaKernelSet.Load(device, TestKernels.All, new NvrtcCompiler(new NvrtcCache(cacheDirectory))));

    [GpuFact]
    public void Device_reports_itself_and_round_trips_memory()
    {
        CudaTestEnvironment.RequireGpu(output);
        var (device, _) = Open();
        Assert.NotEmpty(device.Name);
        Assert.True(device.ComputeCapability >= 50, $"sm_{device.ComputeCapability}");

        float[] values = GpuReference.Random(1000, seed: 1);
        var memory = Upload(device, values);
        float[] back = new float[values.Length];
        device.Download<float>(memory, back);
        Assert.Equal(values, back);

        device.Fill(memory, 0);
        device.Download<float>(memory, back);
        Assert.All(back, v => Assert.Equal(0f, v));
    }

    [GpuFact]
    public void Missing_gpu_ordinal_is_a_clear_error()
    {
        CudaTestEnvironment.RequireGpu(output);
        var error = Assert.Throws<CudaUnavailableException>(() => CudaDevice.Open(CudaDevice.Count));
        Assert.Contains($"cuda:{CudaDevice.Count} was requested", error.Message);
    }

    [GpuFact]
    public void Bias_gelu_matches_cpu()
    {
        CudaTestEnvironment.RequireGpu(output);
        var (device, stream) = Open();
        const int rows = 37, cols = 300;
        float[] x = GpuReference.Random(rows * cols, seed: 2), bias = GpuReference.Random(cols, seed: 3);
        var result = Own(device.Allocate(x.Length * sizeof(float))).Memory;
        var kernel = Kernels(device)["bias_gelu"];
        var args = new KernelArgs().Pointer(result).Pointer(Upload(device, x)).Pointer(Upload(device, bias)).Int(rows).Int(cols);

        using var start = new CudaEvent();
        using var end = new CudaEvent();
        start.Record(stream);
        kernel.Launch(stream, x.Length, args);
        end.Record(stream);
        float milliseconds = CudaEvent.ElapsedMilliseconds(start, end);
        output.WriteLine($"bias_gelu {rows}x{cols}: {milliseconds * 1000:F1} us");
        Assert.True(milliseconds > 0);

        float[] actual = new float[x.Length];
        device.Download<float>(result, actual);
        for (int i = 0; i < x.Length; i++) Assert.Equal(GpuReference.Gelu(x[i] + bias[i % cols]), actual[i], 1e-5f);
    }

    [GpuFact]
    public void Layer_norm_matches_cpu()
    {
        CudaTestEnvironment.RequireGpu(output);
        var (device, stream) = Open();
        const int rows = 16, cols = 768;
        float[] x = GpuReference.Random(rows * cols, seed: 4);
        float[] gamma = GpuReference.Random(cols, seed: 5), beta = GpuReference.Random(cols, seed: 6);
        var result = Own(device.Allocate(x.Length * sizeof(float))).Memory;

        Kernels(device)["layer_norm"].Launch(stream, rows,
            new KernelArgs().Pointer(result).Pointer(Upload(device, x)).Pointer(Upload(device, gamma)).Pointer(Upload(device, beta))
                .Int(cols).Float(1e-12f));
        stream.Synchronize();

        float[] actual = new float[x.Length];
        device.Download<float>(result, actual);
        float[] expected = GpuReference.LayerNorm(x, gamma, beta, cols, 1e-12f);
        for (int i = 0; i < x.Length; i++) Assert.Equal(expected[i], actual[i], 1e-4f);
    }

    [GpuFact]
    public void Bf16_conversions_round_to_nearest_even()
    {
        CudaTestEnvironment.RequireGpu(output);
        var (device, stream) = Open();
        var kernels = Kernels(device);
        float[] x = GpuReference.Random(4096, seed: 7);
        var bf16 = Own(device.Allocate(x.Length * sizeof(ushort))).Memory;
        var scaled = Own(device.Allocate(x.Length * sizeof(ushort))).Memory;

        kernels["to_bf16"].Launch(stream, x.Length, new KernelArgs().Pointer(bf16).Pointer(Upload(device, x)).Int(x.Length));
        kernels["scale_bf16"].Launch(stream, x.Length / 2, new KernelArgs().Pointer(scaled).Pointer(bf16).Float(3f).Int(x.Length / 2));
        stream.Synchronize();

        ushort[] converted = new ushort[x.Length], tripled = new ushort[x.Length];
        device.Download<ushort>(bf16, converted);
        device.Download<ushort>(scaled, tripled);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(GpuReference.ToBf16(x[i]), converted[i]);
            Assert.Equal(GpuReference.ToBf16(GpuReference.FromBf16(converted[i]) * 3f), tripled[i]);
        }
    }

    [GpuFact]
    public void Oversized_block_fails_with_the_kernel_name_and_launch_shape()
    {
        CudaTestEnvironment.RequireGpu(output);
        var (device, stream) = Open();
        var kernel = Kernels(device)["bias_gelu"].Kernel;
        var memory = Own(device.Allocate(4096)).Memory;
        var config = new LaunchConfig(new Dim3(1), new Dim3(4096));

        var error = Assert.Throws<CudaException>(() =>
            kernel.Launch(config, stream, new KernelArgs().Pointer(memory).Pointer(memory).Pointer(memory).Int(1).Int(1)));
        Assert.Equal("cuLaunchKernel(bias_gelu)", error.Call);
        Assert.Contains("CUDA_ERROR_", error.Message);
        Assert.Contains("block Dim3 { X = 4096", error.Message);
    }

    [GpuTheory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Cublas_sgemm_matches_the_cpu_row_major_contract(bool transA, bool transB)
    {
        CudaTestEnvironment.RequireGpu(output);
        var (device, stream) = Open();
        var blas = Own(new CublasHandle(device, stream));
        const int m = 33, n = 65, k = 47;
        int lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 1, ldc = n + 2;
        float[] a = GpuReference.Random((transA ? k : m) * lda, seed: 8), b = GpuReference.Random((transB ? n : k) * ldb, seed: 9);
        float[] c = GpuReference.Random(m * ldc, seed: 10);
        var cDevice = Upload(device, c);

        blas.Sgemm(transA, transB, m, n, k, 0.75f, Upload(device, a), lda, Upload(device, b), ldb, 0.5f, cDevice, ldc);
        stream.Synchronize();

        GpuReference.Sgemm(transA, transB, m, n, k, 0.75f, a, lda, b, ldb, 0.5f, c, ldc);
        float[] actual = new float[c.Length];
        device.Download<float>(cDevice, actual);
        for (int i = 0; i < c.Length; i++) Assert.Equal(c[i], actual[i], 1e-3f);
    }

    [GpuFact]
    public void Cublas_batched_bf16_gemm_accumulates_in_fp32()
    {
        CudaTestEnvironment.RequireGpu(output);
        var (device, stream) = Open();
        var blas = Own(new CublasHandle(device, stream));
        const int batch = 3, m = 16, n = 24, k = 32;
        // Inputs are bf16-exact, so fp32 accumulation reproduces the fp32 CPU product closely.
        float[] a = [.. GpuReference.Random(batch * m * k, seed: 11).Select(v => GpuReference.FromBf16(GpuReference.ToBf16(v)))];
        float[] b = [.. GpuReference.Random(batch * k * n, seed: 12).Select(v => GpuReference.FromBf16(GpuReference.ToBf16(v)))];
        var aDevice = Upload(device, a.Select(GpuReference.ToBf16).ToArray());
        var bDevice = Upload(device, b.Select(GpuReference.ToBf16).ToArray());
        var cDevice = Own(device.Allocate(batch * m * n * sizeof(float))).Memory;

        blas.Gemm(false, false, m, n, k, 1f,
            new GemmOperand(aDevice, GemmElement.BFloat16, k, m * k), new GemmOperand(bDevice, GemmElement.BFloat16, n, k * n),
            0f, new GemmOperand(cDevice, GemmElement.Float32, n, m * n), batchCount: batch);
        stream.Synchronize();

        float[] actual = new float[batch * m * n];
        device.Download<float>(cDevice, actual);
        for (int i = 0; i < batch; i++)
        {
            float[] expected = new float[m * n];
            GpuReference.Sgemm(false, false, m, n, k, 1f, a[(i * m * k)..], k, b[(i * k * n)..], n, 0f, expected, n);
            for (int j = 0; j < m * n; j++) Assert.Equal(expected[j], actual[i * m * n + j], 1e-3f);
        }
    }

    [GpuFact]
    public void Arena_blocks_are_distinct_device_memory()
    {
        CudaTestEnvironment.RequireGpu(output);
        var (device, _) = Open();
        var arena = Own(device.CreateArena(1 << 20));
        var first = arena.Take(1000 * sizeof(float));
        var second = arena.Take(1000 * sizeof(float));
        Assert.True(second.Pointer >= first.Pointer + (ulong)first.Bytes);

        device.Upload<float>([.. Enumerable.Repeat(1f, 1000)], first);
        device.Upload<float>([.. Enumerable.Repeat(2f, 1000)], second);
        float[] back = new float[1000];
        device.Download<float>(first, back);
        Assert.All(back, v => Assert.Equal(1f, v));
    }

    public void Dispose()
    {
        for (int i = owned.Count - 1; i >= 0; i--) owned[i].Dispose();
        if (Directory.Exists(cacheDirectory)) Directory.Delete(cacheDirectory, recursive: true);
    }
}
