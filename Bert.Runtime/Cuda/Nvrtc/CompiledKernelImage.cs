namespace Bert.Runtime.Cuda.Nvrtc;

/// <summary>
/// NVRTC's output for one kernel's source: a CUBIN (ELF) or NUL-terminated PTX image, ready for
/// <c>cuModuleLoadData</c>. <see cref="FromCache"/> is true when it came from the on-disk cache.
/// </summary>
public sealed record CompiledKernelImage(string KernelName, NvrtcTarget Target, byte[] Image, bool FromCache);
