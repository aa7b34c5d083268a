namespace Bert.Runtime.Cuda.Kernels;

/// <summary>
/// A kernel as generated code hands it to the runtime: the <c>extern "C" __global__</c> function's
/// <paramref name="Name"/>, a self-contained CUDA C++ translation unit defining it (it may include the
/// headers of <see cref="Nvrtc.CudaHeaders"/>), and how to launch it.
/// </summary>
public sealed record CudaKernelSource(string Name, string Source, CudaLaunchRule Launch);
