using Bert.Generators.Emit;
using Bert.Runtime.Cuda.Nvrtc;
using Bert.Tests;
using static Bert.Generators.Tests.Back.SampleKernels;

namespace Bert.Generators.Tests.Back;

/// <summary>
/// Every emitted CUDA kernel compiles with NVRTC for Ampere (sm_80) and Hopper (sm_90). No GPU is needed,
/// so CI checks the generated CUDA on every run.
/// </summary>
public sealed class CudaNvrtcTests : IDisposable
{
    readonly string cache = Directory.CreateTempSubdirectory("bert-nvrtc-").FullName;

    public static TheoryData<int> Architectures => new() { 80, 90 };

    [NvrtcTheory]
    [MemberData(nameof(Architectures))]
    public void Sample_kernels_compile_to_cubin(int arch)
    {
        var compiler = new NvrtcCompiler(new NvrtcCache(cache));
        foreach (var kernel in All)
        {
            string source = CudaSourceEmitter.Emit(kernel.Name, [kernel]);
            var image = compiler.Compile(kernel.Name, source, NvrtcTarget.Cubin(arch));
            Assert.Equal("\u007fELF"u8.ToArray(), image.Image[..4]);
        }
    }

    [NvrtcTheory]
    [MemberData(nameof(Architectures))]
    public void Tiny_model_kernels_compile_together(int arch)
    {
        string source = CudaSourceEmitter.Emit("TinyModel", TinyModelPlan.Create().Kernels);
        var image = new NvrtcCompiler(new NvrtcCache(cache)).Compile("TinyModel", source, NvrtcTarget.Cubin(arch));
        Assert.NotEmpty(image.Image);
    }

    public void Dispose() => Directory.Delete(cache, recursive: true);
}
