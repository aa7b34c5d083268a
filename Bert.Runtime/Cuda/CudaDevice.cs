using System.Runtime.InteropServices;
using Bert.Runtime.Cuda.Interop;
using Bert.Runtime.Cuda.Kernels;
using Bert.Runtime.Cuda.Nvrtc;
using static Bert.Runtime.Cuda.Interop.CuDriver;

namespace Bert.Runtime.Cuda;

/// <summary>
/// One NVIDIA GPU through the driver API: its primary context (made current on the opening thread; call
/// <see cref="MakeCurrent"/> on any other thread before using the device there), memory, streams and modules.
/// </summary>
public sealed unsafe class CudaDevice : IDisposable
{
    static readonly Lazy<int> deviceCount = new(() =>
    {
        CudaLibraries.Driver.EnsureLoaded();
        // A driver library without a usable GPU (e.g. Debian's toolkit pulls in libcuda1 on machines with no NVIDIA
        // card) fails cuInit with CUDA_ERROR_NO_DEVICE: that is "no GPU here", not a crash.
        int init = cuInit(0);
        if (init == CudaErrorNoDevice) return 0;
        if (init != 0)
            throw new CudaUnavailableException("NVIDIA driver", $"The NVIDIA driver failed to start: {Describe(init)}. Check the driver with nvidia-smi.");
        int count;
        Check(cuDeviceGetCount(&count));
        return count;
    });

    const int CudaErrorNoDevice = 100;

    readonly int device;
    nint context;

    CudaDevice(int ordinal)
    {
        int handle;
        Check(cuDeviceGet(&handle, ordinal));
        device = handle;
        Ordinal = ordinal;
        Name = ReadName(handle);
        ComputeCapability = Attribute(AttributeComputeCapabilityMajor) * 10 + Attribute(AttributeComputeCapabilityMinor);
        MultiprocessorCount = Attribute(AttributeMultiprocessorCount);
        MaxSharedMemoryPerBlock = Attribute(AttributeMaxSharedMemoryPerBlockOptin);
        nuint total;
        Check(cuDeviceTotalMem_v2(&total, handle));
        TotalMemoryBytes = (long)total;
        nint primary;
        Check(cuDevicePrimaryCtxRetain(&primary, handle));
        context = primary;
        MakeCurrent();
    }

    /// <summary>How many CUDA GPUs the driver sees; throws <see cref="CudaUnavailableException"/> without a driver.</summary>
    public static int Count => deviceCount.Value;

    /// <summary>Opens GPU <paramref name="ordinal"/> (<c>cuda:N</c>), with a clear error when there is no such GPU.</summary>
    public static CudaDevice Open(int ordinal)
    {
        int count = Count;
        if (ordinal < 0 || ordinal >= count)
            throw new CudaUnavailableException("CUDA device", count == 0
                ? $"cuda:{ordinal} was requested but the NVIDIA driver reports no CUDA GPU on this machine."
                : $"cuda:{ordinal} was requested but this machine has {count} CUDA GPU(s): cuda:0 to cuda:{count - 1}.");
        return new CudaDevice(ordinal);
    }

    public static CudaDevice Open(DeviceSpec spec) => spec.Kind == DeviceKind.Cuda
        ? Open(spec.Ordinal)
        : throw new ArgumentException($"'{spec}' is not a CUDA device.", nameof(spec));

    public int Ordinal { get; }
    public string Name { get; }

    /// <summary>Compute capability times ten: 80 for A100, 90 for H100/H200.</summary>
    public int ComputeCapability { get; }
    public int MultiprocessorCount { get; }

    /// <summary>Dynamic shared memory a block may use after opting in (e.g. 227 KiB on H100).</summary>
    public int MaxSharedMemoryPerBlock { get; }
    public long TotalMemoryBytes { get; }

    /// <summary>What NVRTC should produce for this GPU: its CUBIN, or PTX when NVRTC predates the GPU.</summary>
    public NvrtcTarget CompileTarget => NvrtcTarget.ForDevice(ComputeCapability, [.. NvrtcCompiler.SupportedArchitectures]);

    public void MakeCurrent() => Check(cuCtxSetCurrent(context));

    /// <summary>Waits for all work on every stream of this device.</summary>
    public void Synchronize() => Check(cuCtxSynchronize());

    /// <summary>A blocking stream: ordered with the copies of <see cref="Upload{T}"/>, <see cref="Download{T}"/> and <see cref="Fill"/>.</summary>
    public CudaStream CreateStream() => new();

    public DeviceAllocation Allocate(long bytes) => new(bytes);

    public DeviceArena CreateArena(long capacityBytes) => new(capacityBytes);

    public CudaModule LoadModule(CompiledKernelImage image) => new(image);

    // Copies and fills run on the legacy default stream. Streams from CreateStream are blocking streams,
    // so these are ordered after earlier work on them and before later work.

    /// <summary>Copies host values to device memory; returns once the source may be reused.</summary>
    public void Upload<T>(ReadOnlySpan<T> source, DeviceMemory destination) where T : unmanaged
    {
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(source);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes.Length, destination.Bytes);
        fixed (byte* p = bytes) Check(cuMemcpyHtoD_v2(destination.Pointer, p, (nuint)bytes.Length));
    }

    /// <summary>Copies device memory into host values, after all work queued before it.</summary>
    public void Download<T>(DeviceMemory source, Span<T> destination) where T : unmanaged
    {
        Span<byte> bytes = MemoryMarshal.AsBytes(destination);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes.Length, source.Bytes);
        fixed (byte* p = bytes) Check(cuMemcpyDtoH_v2(p, source.Pointer, (nuint)bytes.Length));
    }

    /// <summary>Sets every byte of <paramref name="memory"/> to <paramref name="value"/>.</summary>
    public void Fill(DeviceMemory memory, byte value = 0) => Check(cuMemsetD8_v2(memory.Pointer, value, (nuint)memory.Bytes));

    public override string ToString() => $"cuda:{Ordinal} ({Name}, sm_{ComputeCapability})";

    public void Dispose()
    {
        if (context == 0) return;
        Check(cuDevicePrimaryCtxRelease_v2(device));
        context = 0;
    }

    int Attribute(int attribute)
    {
        int value;
        Check(cuDeviceGetAttribute(&value, attribute, device));
        return value;
    }

    static string ReadName(int device)
    {
        byte* name = stackalloc byte[256];
        Check(cuDeviceGetName(name, 256, device));
        return Marshal.PtrToStringUTF8((nint)name) ?? "";
    }
}
