using static Bert.Runtime.Cuda.Interop.CuDriver;

namespace Bert.Runtime.Cuda;

/// <summary>A CUDA stream: kernels and copies queued on it run in order. Create with <see cref="CudaDevice.CreateStream"/>.</summary>
public sealed unsafe class CudaStream : IDisposable
{
    internal CudaStream(uint flags = StreamDefault)
    {
        nint stream;
        Check(cuStreamCreate(&stream, flags));
        Handle = stream;
    }

    CudaStream(nint existing) => Handle = existing;

    /// <summary>The legacy default stream (handle 0), where the device's copies and fills run; never destroyed.</summary>
    internal static CudaStream LegacyDefault { get; } = new(nint.Zero);

    internal nint Handle { get; private set; }

    /// <summary>Blocks until everything queued on the stream has finished.</summary>
    public void Synchronize() => Check(cuStreamSynchronize(Handle));

    /// <summary>Makes work queued on this stream from now on wait until <paramref name="marker"/>'s recorded point has run.</summary>
    public void Wait(CudaEvent marker) => Check(cuStreamWaitEvent(Handle, marker.Handle, 0));

    public void Dispose()
    {
        if (Handle == 0) return;
        Check(cuStreamDestroy_v2(Handle));
        Handle = 0;
    }
}
