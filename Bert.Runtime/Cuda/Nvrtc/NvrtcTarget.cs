namespace Bert.Runtime.Cuda.Nvrtc;

/// <summary>What NVRTC produces: machine code for one GPU generation, or PTX the driver compiles on load.</summary>
public enum NvrtcOutput { Cubin, Ptx }

/// <summary>
/// A compilation target: CUBIN for <c>sm_XX</c> (runs only on that generation) or PTX for
/// <c>compute_XX</c> (the driver JIT-compiles it for any GPU of that generation or newer).
/// <see cref="Architecture"/> is the compute capability times ten, e.g. 80 for an A100, 90 for an H100.
/// </summary>
public readonly record struct NvrtcTarget(int Architecture, NvrtcOutput Output)
{
    public static NvrtcTarget Cubin(int architecture) => new(architecture, NvrtcOutput.Cubin);

    public static NvrtcTarget Ptx(int architecture) => new(architecture, NvrtcOutput.Ptx);

    /// <summary>
    /// The best target for a GPU of compute capability <paramref name="architecture"/>: its own CUBIN when
    /// NVRTC supports it, else PTX for the newest older architecture NVRTC knows (forward-compatible).
    /// </summary>
    public static NvrtcTarget ForDevice(int architecture, IReadOnlyCollection<int> supported)
    {
        if (supported.Contains(architecture)) return Cubin(architecture);
        int[] older = supported.Where(a => a < architecture).ToArray();
        if (older.Length == 0)
            throw new CudaUnavailableException("NVRTC",
                $"This NVRTC cannot generate code for sm_{architecture} (it supports {string.Join(", ", supported.Select(a => $"sm_{a}"))}).");
        return Ptx(older.Max());
    }

    /// <summary>NVRTC's <c>--gpu-architecture</c> option for this target.</summary>
    public string ArchitectureOption => $"--gpu-architecture={this}";

    public override string ToString() => Output == NvrtcOutput.Cubin ? $"sm_{Architecture}" : $"compute_{Architecture}";
}
