using Bert.Tests;
using System.Text;
using Bert.Runtime.Cuda.Kernels;
using Bert.Runtime.Cuda.Nvrtc;
using Xunit.Abstractions;

namespace Bert.Runtime.Tests.Cuda;

/// <summary>NVRTC compiles the representative kernels for A100 (sm_80) and H100 (sm_90) without a GPU.</summary>
public sealed class NvrtcCompilerTests(ITestOutputHelper output) : IDisposable
{
    readonly string cacheDirectory = Path.Combine(Path.GetTempPath(), "bert-nvrtc-tests-" + Guid.NewGuid().ToString("N"));

    NvrtcCompiler NewCompiler() => new(new NvrtcCache(cacheDirectory));

    public static TheoryData<string, int> KernelsAndArchitectures()
    {
        var data = new TheoryData<string, int>();
        foreach (var kernel in TestKernels.All)
            foreach (int arch in new[] { 80, 90 })
                data.Add(kernel.Name, arch);
        return data;
    }

    static CudaKernelSource Kernel(string name) => TestKernels.All.Single(k => k.Name == name);

    [NvrtcFact]
    public void Reports_a_version_that_targets_sm80_and_sm90()
    {
        CudaTestEnvironment.RequireNvrtc(output);
        Assert.True(NvrtcCompiler.Version >= new Version(11, 2), $"NVRTC {NvrtcCompiler.Version}");
        Assert.Contains(80, NvrtcCompiler.SupportedArchitectures);
        Assert.Contains(90, NvrtcCompiler.SupportedArchitectures);
    }

    [NvrtcTheory]
    [MemberData(nameof(KernelsAndArchitectures))]
    public void Compiles_kernel_to_cubin(string name, int arch)
    {
        CudaTestEnvironment.RequireNvrtc(output);
        var image = NewCompiler().Compile(name, Kernel(name).Source, NvrtcTarget.Cubin(arch));

        // A CUBIN is an ELF file whose symbol table names the extern "C" kernel.
        Assert.Equal("\u007fELF"u8.ToArray(), image.Image[..4]);
        Assert.Contains(name, Encoding.ASCII.GetString(image.Image));
        Assert.False(image.FromCache);
    }

    [NvrtcTheory]
    [MemberData(nameof(KernelsAndArchitectures))]
    public void Compiles_kernel_to_ptx(string name, int arch)
    {
        CudaTestEnvironment.RequireNvrtc(output);
        var image = NewCompiler().Compile(name, Kernel(name).Source, NvrtcTarget.Ptx(arch));

        Assert.Equal(0, image.Image[^1]);
        string ptx = Encoding.ASCII.GetString(image.Image);
        Assert.Contains($".target sm_{arch}", ptx);
        Assert.Contains($".entry {name}(", ptx);
    }

    [NvrtcFact]
    public void Layer_norm_uses_warp_shuffles()
    {
        CudaTestEnvironment.RequireNvrtc(output);
        var image = NewCompiler().Compile("layer_norm", TestKernels.LayerNorm.Source, NvrtcTarget.Ptx(80));
        Assert.Contains("shfl.sync.bfly", Encoding.ASCII.GetString(image.Image));
    }

    [NvrtcFact]
    public void Bf16_header_rounds_with_hardware_conversions()
    {
        CudaTestEnvironment.RequireNvrtc(output);
        string ptx = Encoding.ASCII.GetString(NewCompiler().Compile("scale_bf16", TestKernels.ScaleBf16.Source, NvrtcTarget.Ptx(80)).Image);
        Assert.Contains("cvt.rn.bf16x2.f32", ptx);
    }

    [NvrtcFact]
    public void Compile_error_reports_kernel_target_and_log()
    {
        CudaTestEnvironment.RequireNvrtc(output);
        const string broken = """extern "C" __global__ void broken(float* x) { x[0] = undefined_name; }""";

        var error = Assert.Throws<NvrtcCompileException>(() => NewCompiler().Compile("broken", broken, NvrtcTarget.Cubin(80)));

        Assert.Contains("'broken'", error.Message);
        Assert.Contains("sm_80", error.Message);
        Assert.Contains("undefined_name", error.Log);
        Assert.Contains(error.Log, error.Message);
        output.WriteLine(error.Message);
    }

    [NvrtcFact]
    public void Second_compile_hits_the_disk_cache()
    {
        CudaTestEnvironment.RequireNvrtc(output);
        var source = TestKernels.BiasGelu;

        var first = NewCompiler().Compile(source.Name, source.Source, NvrtcTarget.Cubin(80));
        var again = NewCompiler().Compile(source.Name, source.Source, NvrtcTarget.Cubin(80));

        Assert.False(first.FromCache);
        Assert.True(again.FromCache);
        Assert.Equal(first.Image, again.Image);
        Assert.Single(Directory.GetFiles(cacheDirectory, "*.cubin"));
        Assert.Empty(Directory.GetFiles(cacheDirectory, "*.tmp"));
    }

    [NvrtcFact]
    public void Cache_misses_when_target_options_or_source_change()
    {
        CudaTestEnvironment.RequireNvrtc(output);
        var compiler = NewCompiler();
        var source = TestKernels.BiasGelu;
        compiler.Compile(source.Name, source.Source, NvrtcTarget.Cubin(80));

        Assert.False(compiler.Compile(source.Name, source.Source, NvrtcTarget.Cubin(90)).FromCache);
        Assert.False(compiler.Compile(source.Name, source.Source, NvrtcTarget.Ptx(80)).FromCache);
        Assert.False(compiler.Compile(source.Name, source.Source, NvrtcTarget.Cubin(80), ["--use_fast_math"]).FromCache);
        Assert.False(compiler.Compile(source.Name, source.Source + "\n// changed", NvrtcTarget.Cubin(80)).FromCache);
    }

    [NvrtcFact]
    public void Kernel_set_compiles_every_generated_kernel()
    {
        CudaTestEnvironment.RequireNvrtc(output);
        var images = CudaKernelSet.Compile(TestKernels.All, NewCompiler(), NvrtcTarget.Cubin(90));
        Assert.Equal(TestKernels.All.Select(k => k.Name), images.Select(i => i.KernelName));
        Assert.All(images, i => Assert.NotEmpty(i.Image));
    }

    public void Dispose()
    {
        if (Directory.Exists(cacheDirectory)) Directory.Delete(cacheDirectory, recursive: true);
    }
}
