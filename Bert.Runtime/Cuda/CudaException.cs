namespace Bert.Runtime.Cuda;

/// <summary>A CUDA driver, NVRTC or cuBLAS call failed; names the call and the library's error text.</summary>
public sealed class CudaException(string call, string error) : Exception($"{call} failed: {error}")
{
    /// <summary>The native function that failed, e.g. <c>cuMemAlloc_v2</c>.</summary>
    public string Call { get; } = call;

    /// <summary>The library's name and description of the error.</summary>
    public string Error { get; } = error;
}
