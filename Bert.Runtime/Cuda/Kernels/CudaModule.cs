using Bert.Runtime.Cuda.Nvrtc;
using static Bert.Runtime.Cuda.Interop.CuDriver;

namespace Bert.Runtime.Cuda.Kernels;

/// <summary>A CUBIN or PTX image loaded into the current context; unloaded on dispose.</summary>
public sealed unsafe class CudaModule : IDisposable
{
    nint handle;

    internal CudaModule(CompiledKernelImage image)
    {
        nint module;
        fixed (byte* data = image.Image) Check(cuModuleLoadData(&module, data));
        handle = module;
    }

    /// <summary>The <c>extern "C" __global__</c> function called <paramref name="name"/>.</summary>
    public CudaKernel GetKernel(string name)
    {
        ObjectDisposedException.ThrowIf(handle == 0, this);
        nint function;
        Check(cuModuleGetFunction(&function, handle, name));
        return new CudaKernel(function, name);
    }

    public void Dispose()
    {
        if (handle == 0) return;
        Check(cuModuleUnload(handle));
        handle = 0;
    }
}
