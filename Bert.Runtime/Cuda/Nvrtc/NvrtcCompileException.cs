namespace Bert.Runtime.Cuda.Nvrtc;

/// <summary>NVRTC rejected a kernel's source; <see cref="Log"/> holds the compiler's diagnostics.</summary>
public sealed class NvrtcCompileException(string kernelName, NvrtcTarget target, string log)
    : Exception($"NVRTC could not compile kernel '{kernelName}' for {target}:\n{log}")
{
    public string KernelName { get; } = kernelName;
    public NvrtcTarget Target { get; } = target;
    public string Log { get; } = log;
}
