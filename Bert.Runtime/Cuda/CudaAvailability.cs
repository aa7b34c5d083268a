using Bert.Runtime.Cuda.Interop;

namespace Bert.Runtime.Cuda;

/// <summary>Checks up front that a GPU run can start, so a command fails before it loads data or builds a model.</summary>
public static class CudaAvailability
{
    /// <summary>
    /// Throws <see cref="CudaUnavailableException"/> naming the first missing piece, and how to install it: the NVIDIA
    /// driver (libcuda), the GPU <paramref name="device"/> itself, NVRTC or cuBLAS.
    /// </summary>
    public static void Require(DeviceSpec device)
    {
        using (CudaDevice.Open(device)) { }
        CudaLibraries.Nvrtc.EnsureLoaded();
        CudaLibraries.Cublas.EnsureLoaded();
    }
}
