using static Bert.Runtime.Cuda.Interop.CuDriver;

namespace Bert.Runtime.Cuda;

/// <summary>A marker in a stream; two recorded events give the GPU time between them.</summary>
public sealed unsafe class CudaEvent : IDisposable
{
    nint handle;

    public CudaEvent() : this(EventDefault) { }

    CudaEvent(uint flags)
    {
        nint evt;
        Check(cuEventCreate(&evt, flags));
        handle = evt;
    }

    /// <summary>An event that only orders streams (<see cref="CudaStream.Wait"/>): it keeps no timestamp.</summary>
    public static CudaEvent ForOrdering() => new(EventDisableTiming);

    internal nint Handle => handle;

    public void Record(CudaStream stream) => Check(cuEventRecord(handle, stream.Handle));

    /// <summary>Milliseconds of GPU time from <paramref name="start"/> to <paramref name="end"/>, waiting for <paramref name="end"/>.</summary>
    public static float ElapsedMilliseconds(CudaEvent start, CudaEvent end)
    {
        Check(cuEventSynchronize(end.handle));
        float milliseconds;
        Check(cuEventElapsedTime(&milliseconds, start.handle, end.handle));
        return milliseconds;
    }

    public void Dispose()
    {
        if (handle == 0) return;
        Check(cuEventDestroy_v2(handle));
        handle = 0;
    }
}
