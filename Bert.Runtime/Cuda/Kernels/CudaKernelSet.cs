using Bert.Runtime.Cuda.Nvrtc;

namespace Bert.Runtime.Cuda.Kernels;

/// <summary>A loaded generated kernel and its launch rule.</summary>
public sealed class LoadedKernel(CudaKernel kernel, CudaLaunchRule rule)
{
    public CudaKernel Kernel { get; } = kernel;
    public CudaLaunchRule Rule { get; } = rule;

    /// <summary>Launches over <paramref name="workItems"/> items per the kernel's rule.</summary>
    public void Launch(CudaStream stream, long workItems, KernelArgs args, uint gridY = 1, uint gridZ = 1) =>
        Kernel.Launch(Rule.For(workItems, gridY, gridZ), stream, args);
}

/// <summary>
/// The generated kernels of a model, compiled by NVRTC (no GPU needed: CI checks them this way) and
/// loaded into a device's context by name.
/// </summary>
public sealed class CudaKernelSet : IDisposable
{
    readonly List<CudaModule> modules = [];
    readonly Dictionary<string, LoadedKernel> kernels = new(StringComparer.Ordinal);

    /// <summary>Compiles every kernel for <paramref name="target"/>; throws <see cref="NvrtcCompileException"/> on the first that fails.</summary>
    public static IReadOnlyList<CompiledKernelImage> Compile(IEnumerable<CudaKernelSource> sources, NvrtcCompiler compiler, NvrtcTarget target) =>
        [.. sources.Select(s => compiler.Compile(s.Name, s.Source, target))];

    /// <summary>Compiles (or takes from the cache) and loads every kernel into <paramref name="device"/>'s context.</summary>
    public static CudaKernelSet Load(CudaDevice device, IReadOnlyList<CudaKernelSource> sources, NvrtcCompiler compiler)
    {
        var set = new CudaKernelSet();
        try
        {
            var images = Compile(sources, compiler, device.CompileTarget);
            for (int i = 0; i < sources.Count; i++)
            {
                var module = device.LoadModule(images[i]);
                set.modules.Add(module);
                set.kernels.Add(sources[i].Name, new LoadedKernel(module.GetKernel(sources[i].Name), sources[i].Launch));
            }
            return set;
        }
        catch
        {
            set.Dispose();
            throw;
        }
    }

    public LoadedKernel this[string name] => kernels.TryGetValue(name, out var kernel)
        ? kernel
        : throw new KeyNotFoundException($"No generated CUDA kernel named '{name}' (have: {string.Join(", ", kernels.Keys)}).");

    public void Dispose()
    {
        foreach (var module in modules) module.Dispose();
        modules.Clear();
        kernels.Clear();
    }
}
