using static Bert.Runtime.Cuda.Interop.CuDriver;

namespace Bert.Runtime.Cuda;

/// <summary>
/// A marker in a CUDA stream that another stream can wait for (<see cref="MakeWait"/>): how data-parallel training
/// orders its communication stream after backward, and the compute stream after the all-reduces. Create it with the
/// device's context current.
/// </summary>
public sealed unsafe class CudaEvent : IDisposable
{
    nint handle;

    public CudaEvent()
    {
        nint evt;
        Check(cuEventCreate(&evt, EventDisableTiming));
        handle = evt;
    }

    /// <summary>Marks the point reached by the work queued so far on <paramref name="stream"/> (a <c>CUstream</c>).</summary>
    public void Record(nint stream) => Check(cuEventRecord(handle, stream));

    /// <summary>Makes work queued on <paramref name="stream"/> from now on wait until the recorded point has run.</summary>
    public void MakeWait(nint stream) => Check(cuStreamWaitEvent(stream, handle, 0));

    public void Dispose()
    {
        if (handle == 0) return;
        Check(cuEventDestroy_v2(handle));
        handle = 0;
    }
}
