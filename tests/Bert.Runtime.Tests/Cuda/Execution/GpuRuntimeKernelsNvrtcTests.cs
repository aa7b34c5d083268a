using System.Text;
using Bert.Runtime.Cuda.Execution;
using Bert.Runtime.Cuda.Nvrtc;
using Bert.Tests;
using Xunit.Abstractions;

namespace Bert.Runtime.Tests.Cuda.Execution;

/// <summary>The runtime's own kernels (Adam, gradient norm, bf16 conversion) compile for A100 and H100 without a GPU.</summary>
public sealed class GpuRuntimeKernelsNvrtcTests(ITestOutputHelper output) : IDisposable
{
    readonly string cacheDirectory = Directory.CreateTempSubdirectory("bert-runtime-kernels-").FullName;

    public static TheoryData<int> Architectures => new() { 80, 90 };

    [NvrtcTheory]
    [MemberData(nameof(Architectures))]
    public void Compile_to_cubin_with_every_kernel(int arch)
    {
        CudaTestEnvironment.RequireNvrtc(output);
        var image = new NvrtcCompiler(new NvrtcCache(cacheDirectory))
            .Compile(GpuRuntimeKernels.ModuleName, GpuRuntimeKernels.Source, NvrtcTarget.Cubin(arch));

        Assert.Equal("\u007fELF"u8.ToArray(), image.Image[..4]);
        string symbols = Encoding.ASCII.GetString(image.Image);
        Assert.Contains("adam_update", symbols);
        Assert.Contains("sum_squares", symbols);
        Assert.Contains("to_bf16", symbols);
    }

    public void Dispose() => Directory.Delete(cacheDirectory, recursive: true);
}
