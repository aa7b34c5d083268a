namespace Bert.Runtime.Cuda;

/// <summary>
/// A native CUDA library (driver, NVRTC, cuBLAS) is missing or cannot serve this machine's GPU;
/// the message says which library and how to install a suitable one.
/// </summary>
public sealed class CudaUnavailableException(string library, string message) : Exception(message)
{
    /// <summary>The library that is missing or too old, e.g. "NVRTC".</summary>
    public string Library { get; } = library;
}
