using System.Reflection;
using System.Runtime.InteropServices;
using Bert.Runtime.Cpu;
using Bert.Runtime.Cuda.Execution;
using Bert.Runtime.Execution;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;

namespace Bert.Runtime.Ilgpu;

/// <summary>
/// One generated model's GPU program on an ILGPU accelerator: the model's generated ILGPU kernels
/// (<c>{Model}.IlgpuKernels</c>, launched with the shapes of its CUDA launch table, the group size capped at the
/// accelerator's), parameters, gradients and the arena as three device buffers. A device address is the buffer's tag
/// in the top byte and a byte offset below it, so generated host code addresses tensors exactly as on the CUDA
/// session. On ILGPU's CPU accelerator, which executes every GPU thread, barrier and group reduction, the GEMMs run
/// on the host BLAS over the buffers' memory: the exact GPU program, debuggable without a GPU, and slow.
/// </summary>
public sealed unsafe class IlgpuSession : IGpuTarget, IDisposable
{
    const int AddressShift = 56;
    const ulong OffsetMask = (1UL << AddressShift) - 1;
    enum Region : byte { Parameters = 1, Gradients = 2, Arena = 3 }

    /// <summary>Grid-stride kernels on the CPU accelerator use at most this many groups: each emulated thread costs time, and the loop covers the rest.</summary>
    const int CpuGridStrideGroups = 16;

    readonly Accelerator accelerator;
    readonly IReadOnlyList<CudaKernelLaunch> launches;
    readonly ILGPU.Runtime.Kernel[] kernels;
    readonly MemoryBuffer1D<float, Stride1D.Dense> parameters, gradients;
    MemoryBuffer1D<float, Stride1D.Dense>? arena;
    bool disposed;

    /// <param name="kernelClass">The generated <c>{Model}.IlgpuKernels</c> class: one static kernel method per entry of <paramref name="launches"/>.</param>
    public IlgpuSession(Accelerator accelerator, [System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicMethods)] Type kernelClass, IReadOnlyList<CudaKernelLaunch> launches, int parameterCount)
    {
        if (accelerator is not CPUAccelerator)
            throw new NotSupportedException($"The ILGPU session runs on ILGPU's CPU accelerator so far (GEMMs on the host); '{accelerator.Name}' needs the cuBLAS path, which is not built yet.");
        if (parameterCount <= 0) throw new CompiledModelException("The model has no parameters to place on the device.");
        this.accelerator = accelerator;
        this.launches = launches;
        ParameterCount = parameterCount;
        kernels = [.. launches.Select(l => accelerator.LoadKernel(
            kernelClass.GetMethod(l.Kernel, BindingFlags.Public | BindingFlags.Static)
            ?? throw new CompiledModelException($"{kernelClass.FullName} has no kernel {l.Kernel}: it is not this launch table's kernel class.")))];
        parameters = accelerator.Allocate1D<float>(parameterCount);
        gradients = accelerator.Allocate1D<float>(parameterCount);
        gradients.MemSetToZero();
    }

    public int ParameterCount { get; }

    /// <summary>Told when gradients become final during a backward pass; null by default.</summary>
    public IGradientListener? GradientListener { get; set; }

    public void Prepare(IReadOnlyList<CudaKernelLaunch> launches, int parameterCount, long arenaBytes)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!ReferenceEquals(launches, this.launches))
            throw new CompiledModelException("This ILGPU session was opened for another model's kernels; open one with the model's own OpenIlgpu.");
        if (parameterCount != ParameterCount)
            throw new CompiledModelException($"The model has {parameterCount:N0} parameter floats but this session holds {ParameterCount:N0}.");
        long floats = (arenaBytes + sizeof(float) - 1) / sizeof(float);
        if (arena is not null && arena.Length >= floats) return;
        accelerator.Synchronize();
        arena?.Dispose();
        arena = accelerator.Allocate1D<float>(Math.Max(floats, 1));
    }

    public ulong ParameterAt(long element) => Address(Region.Parameters, element, ParameterCount);

    public ulong GradientAt(long element) => Address(Region.Gradients, element, ParameterCount);

    public ulong ArenaAt(long element) =>
        Address(Region.Arena, element, (arena ?? throw new InvalidOperationException("The session has no arena yet: the generated ForwardOn allocates it.")).Length);

    static ulong Address(Region region, long element, long count)
    {
        if (element < 0 || element > count)
            throw new InvalidOperationException($"Element {element:N0} is outside the session's {region} buffer of {count:N0} floats.");
        return ((ulong)region << AddressShift) | (ulong)element * sizeof(float);
    }

    /// <summary>The floats from <paramref name="address"/> to the end of its buffer.</summary>
    ArrayView<float> FloatsAt(ulong address)
    {
        var buffer = (Region)(address >> AddressShift) switch
        {
            Region.Parameters => parameters,
            Region.Gradients => gradients,
            Region.Arena => arena ?? throw new InvalidOperationException("The session has no arena yet."),
            var other => throw new ArgumentException($"0x{address:x} is not an address of this session (region {other}).", nameof(address)),
        };
        long offset = (long)(address & OffsetMask);
        if (offset % sizeof(float) != 0) throw new ArgumentException($"0x{address:x} is not 4-byte aligned.", nameof(address));
        return buffer.View.SubView(offset / sizeof(float), buffer.Length - offset / sizeof(float)).AsContiguous();
    }

    public void Launch(int kernel, long work, params ReadOnlySpan<ulong> arguments)
    {
        var launch = launches[kernel];
        if (arguments.Length != launch.Arguments.Length)
            throw new ArgumentException($"Kernel {launch.Kernel} takes {launch.Arguments.Length} arguments, got {arguments.Length}.", nameof(arguments));
        var values = new object[arguments.Length];
        for (int i = 0; i < arguments.Length; i++)
            values[i] = launch.Arguments[i].Kind switch
            {
                CudaArgumentKind.FloatPointer => FloatsAt(arguments[i]),
                CudaArgumentKind.IntPointer => FloatsAt(arguments[i]).Cast<int>(),
                CudaArgumentKind.Float => BitConverter.UInt32BitsToSingle((uint)arguments[i]),
                CudaArgumentKind.Int or CudaArgumentKind.Dimension => (int)(uint)arguments[i],
                _ => arguments[i],
            };
        int group = Math.Min(launch.BlockSize, accelerator.MaxNumThreadsPerGroup);
        int grid = launch.Grid == CudaGridRule.BlockPerRow
            ? launch.GridSize(work)
            : (int)Math.Clamp((work + group - 1) / group, 1, CpuGridStrideGroups);
        kernels[kernel].Launch(accelerator.DefaultStream, new KernelConfig(grid, group), values);
    }

    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, ulong a, int lda, ulong b, int ldb, float beta, ulong c, int ldc) =>
        GemmStridedBatched(transA, transB, m, n, k, alpha, a, lda, 0, b, ldb, 0, beta, c, ldc, 0, 1);

    public void GemmStridedBatched(bool transA, bool transB, int m, int n, int k,
        float alpha, ulong a, int lda, long strideA, ulong b, int ldb, long strideB,
        float beta, ulong c, int ldc, long strideC, int batchCount)
    {
        // The CPU accelerator's buffers are host memory: the host BLAS reads and writes them in place, after the queued kernels.
        accelerator.Synchronize();
        Blas.SgemmStridedBatched(transA, transB, m, n, k, alpha, HostPointer(a), lda, strideA, HostPointer(b), ldb, strideB,
            beta, HostPointer(c), ldc, strideC, batchCount);
    }

    float* HostPointer(ulong address) => (float*)FloatsAt(address).LoadEffectiveAddressAsPtr();

    public void Zero(ulong address, long elements) => FloatsAt(address).SubView(0, elements).MemSetToZero(accelerator.DefaultStream);

    public void Upload<T>(ReadOnlySpan<T> source, ulong address) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(source);
        FloatsAt(address).SubView(0, (bytes.Length + 3) / 4).Cast<byte>().SubView(0, bytes.Length).CopyFromCPU(accelerator.DefaultStream, bytes);
    }

    public void Download<T>(ulong address, Span<T> destination) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(destination);
        FloatsAt(address).SubView(0, (bytes.Length + 3) / 4).Cast<byte>().SubView(0, bytes.Length).CopyToCPU(accelerator.DefaultStream, bytes);
        accelerator.Synchronize();
    }

    public void GradientsReady(params ReadOnlySpan<int> parameters) => GradientListener?.GradientsReady(parameters);

    public void UploadParameters(ReadOnlySpan<float> values)
    {
        if (values.Length != ParameterCount)
            throw new ArgumentException($"The session holds {ParameterCount:N0} parameter floats, but the host span has {values.Length:N0}.", nameof(values));
        Upload(values, ParameterAt(0));
    }

    public void DownloadGradients(Span<float> values) => Download(GradientAt(0), values);

    public void DownloadParameters(Span<float> values) => Download(ParameterAt(0), values);

    public void Synchronize() => accelerator.Synchronize();

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        accelerator.Synchronize();
        foreach (var kernel in kernels) kernel.Dispose();
        arena?.Dispose();
        gradients.Dispose();
        parameters.Dispose();
    }
}
