using static Bert.Runtime.Cuda.Interop.CuDriver;

namespace Bert.Runtime.Cuda;

/// <summary>A CUDA stream: kernels and copies queued on it run in order. Create with <see cref="CudaDevice.CreateStream"/>.</summary>
public sealed unsafe class CudaStream : IDisposable
{
    internal CudaStream()
    {
        nint stream;
        Check(cuStreamCreate(&stream, StreamDefault));
        Handle = stream;
    }

    internal nint Handle { get; private set; }

    /// <summary>Blocks until everything queued on the stream has finished.</summary>
    public void Synchronize() => Check(cuStreamSynchronize(Handle));

    public void Dispose()
    {
        if (Handle == 0) return;
        Check(cuStreamDestroy_v2(Handle));
        Handle = 0;
    }
}
