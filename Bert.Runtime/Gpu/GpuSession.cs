using System.Reflection;
using System.Runtime.InteropServices;
using Bert.Runtime.Execution;
using Bert.Runtime.Gpu.Gemm;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Bert.Runtime.Gpu;

/// <summary>
/// One generated model's GPU program on one <see cref="GpuDevice"/>: the model's generated ILGPU kernels (compiled to
/// PTX on a GPU, emulated thread by thread on the simulator), the runtime kernels, GEMMs (cuBLAS on a GPU, the host
/// BLAS on the simulator), and three device buffers laid out exactly like the host model's: parameter values and
/// gradients in spec order, and the arena at the offsets Bind computes. A device address is a buffer's tag in the top
/// byte and a byte offset below it, so generated host code addresses device tensors with the same element offsets as
/// CPU ones. Generated <c>ForwardOn</c> / <c>BackwardOn</c> call <see cref="Launch"/>, <see cref="Gemm"/>,
/// <see cref="Zero"/> and the copies; a trainer uses <see cref="UploadParameters"/>, <see cref="CreateAdam"/>,
/// <see cref="GradientNorm"/> and <see cref="DownloadParameters"/>. Every call queues on the accelerator's stream;
/// copies to the host wait for it. Use a session from one thread at a time.
/// </summary>
public sealed class GpuSession : IGpuTarget, IDisposable
{
    const int AddressShift = 56;
    const ulong OffsetMask = (1UL << AddressShift) - 1;
    enum Region : byte { Parameters = 1, Gradients = 2, Arena = 3 }

    readonly bool ownsDevice;
    readonly ILGPU.Runtime.Kernel[] kernels = [];
    readonly IDeviceGemm? gemm;
    readonly MemoryBuffer1D<float, Stride1D.Dense>? parameters, gradients;
    /// <summary>Groups of the gradient-norm launch, each writing one partial sum: enough to fill a GPU, few enough to copy back.</summary>
    const int NormGroups = 1024;

    readonly MemoryBuffer1D<double, Stride1D.Dense>? normPartials;
    readonly double[] normPartialsHost = new double[NormGroups];
    MemoryBuffer1D<float, Stride1D.Dense>? arena;
    bool disposed;

    GpuSession(GpuDevice device, bool ownsDevice, GpuProgram program, IReadOnlyList<ParameterSpec> specs, GpuOptions options)
    {
        Device = device;
        this.ownsDevice = ownsDevice;
        Program = program;
        Parameters = specs;
        try
        {
            ParameterCount = ParameterSpec.TotalElements(specs);
            if (ParameterCount == 0) throw new CompiledModelException($"{program.Name} has no parameters to place on the GPU.");
            var accelerator = device.Accelerator;
            device.MakeCurrent();
            Runtime = new RuntimeKernels(accelerator);
            kernels = [.. program.Launches.Select(l => accelerator.LoadKernel(
                program.Kernels.GetMethod(l.Kernel, BindingFlags.Public | BindingFlags.Static)
                ?? throw new CompiledModelException($"{program.Kernels.FullName} has no kernel {l.Kernel}: it is not the kernel class of {program.Name}'s launch table.")))];
            gemm = accelerator is CudaAccelerator cuda ? new CublasGemm(cuda, Runtime, options.Gemm) : new HostGemm(accelerator);
            parameters = accelerator.Allocate1D<float>(ParameterCount);
            gradients = accelerator.Allocate1D<float>(ParameterCount);
            normPartials = accelerator.Allocate1D<double>(NormGroups);
            gradients.MemSetToZero();
        }
        catch
        {
            Dispose();   // releases what was created before the failure (and the device, if the session owns it)
            throw;
        }
    }

    /// <summary>
    /// Opens <paramref name="device"/> (<c>cuda:N</c> or <c>gpu-sim</c>) for <paramref name="program"/>: loads its
    /// kernels and allocates parameters and gradients for <paramref name="parameters"/> (contents: gradients zero,
    /// values undefined until <see cref="UploadParameters"/>). The session owns the device it opened. The arena is
    /// allocated by the first forward pass.
    /// </summary>
    public static GpuSession Open(DeviceSpec device, GpuProgram program, IReadOnlyList<ParameterSpec> parameters, GpuOptions? options = null)
    {
        var opened = GpuDevice.Open(device);
        try
        {
            return new GpuSession(opened, ownsDevice: true, program, parameters, options ?? new GpuOptions());
        }
        catch
        {
            opened.Dispose();
            throw;
        }
    }

    /// <summary>As <see cref="Open(DeviceSpec, GpuProgram, IReadOnlyList{ParameterSpec}, GpuOptions?)"/> on a device the caller keeps (and disposes after the session).</summary>
    public static GpuSession Open(GpuDevice device, GpuProgram program, IReadOnlyList<ParameterSpec> parameters, GpuOptions? options = null) =>
        new(device, ownsDevice: false, program, parameters, options ?? new GpuOptions());

    public GpuDevice Device { get; }
    public GpuProgram Program { get; }
    public IReadOnlyList<ParameterSpec> Parameters { get; }

    /// <summary>Floats in the parameter (and gradient) buffer.</summary>
    public int ParameterCount { get; }

    /// <summary>The GEMM precision in effect: the requested one on a GPU, fp32 on the simulator.</summary>
    public GemmPrecision GemmPrecision => gemm!.Precision;

    /// <summary>Bytes of device arena allocated so far (grows, never shrinks).</summary>
    public long ArenaCapacityBytes => (arena?.Length ?? 0) * sizeof(float);

    Accelerator Accelerator => Device.Accelerator;

    internal RuntimeKernels Runtime { get; } = null!;
    internal AcceleratorStream Stream => Accelerator.DefaultStream;
    internal ArrayView<float> ParameterView => parameters!.View;
    internal ArrayView<float> GradientView => gradients!.View;

    /// <summary>The gradient buffer's raw device memory, for NCCL.</summary>
    internal Cuda.DeviceMemory GradientMemory => new((ulong)gradients!.NativePtr, gradients.LengthInBytes);

    // ---- Addresses: element offsets of the host layout, in the device buffers ----

    /// <summary>The device address of parameter element <paramref name="element"/> (spec order, like the host values).</summary>
    public ulong ParameterAt(long element) => Address(Region.Parameters, element, ParameterCount);

    public ulong GradientAt(long element) => Address(Region.Gradients, element, ParameterCount);

    /// <summary>The device address of arena element <paramref name="element"/> (the host arena's offsets).</summary>
    public ulong ArenaAt(long element) =>
        Address(Region.Arena, element, (arena ?? throw new InvalidOperationException("The GPU session has no arena yet: the generated ForwardOn allocates it.")).Length);

    static ulong Address(Region region, long element, long count)
    {
        if (element < 0 || element > count)
            throw new InvalidOperationException($"Element {element:N0} is outside the session's {region} buffer of {count:N0} floats.");
        return ((ulong)region << AddressShift) | (ulong)element * sizeof(float);
    }

    /// <summary>
    /// The <paramref name="floats"/> floats at <paramref name="address"/> (null: to the end of its buffer), checked to
    /// lie inside its buffer; <paramref name="what"/> names them in errors.
    /// </summary>
    DeviceFloats FloatsAt(ulong address, long? floats, string what)
    {
        var region = (Region)(address >> AddressShift);
        var buffer = region switch
        {
            Region.Parameters => parameters!,
            Region.Gradients => gradients!,
            Region.Arena => arena ?? throw new InvalidOperationException("The GPU session has no arena yet."),
            _ => throw new ArgumentException($"{what}: 0x{address:x} is not an address of this session (region {region}).", nameof(address)),
        };
        long offset = (long)(address & OffsetMask);
        if (offset % sizeof(float) != 0) throw new ArgumentException($"{what}: 0x{address:x} is not 4-byte aligned.", nameof(address));
        long start = offset / sizeof(float), count = floats ?? buffer.Length - start;
        if (count < 0 || start + count > buffer.Length)
            throw new InvalidOperationException($"{what} ({count:N0} floats at element {start:N0}) runs past the end of the session's {region} buffer of {buffer.Length:N0} floats.");
        return new DeviceFloats(buffer.View.SubView(start, count), buffer.NativePtr + (nint)offset);
    }

    // ---- What generated host code calls ----

    /// <summary>
    /// Starts a generated program's forward or backward pass: checks the session was opened for that model
    /// (<paramref name="launches"/> is its launch table, <paramref name="parameterCount"/> its parameter floats),
    /// and grows the arena to <paramref name="arenaBytes"/> (contents undefined after growing).
    /// </summary>
    public void Prepare(IReadOnlyList<KernelLaunch> launches, int parameterCount, long arenaBytes)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!ReferenceEquals(launches, Program.Launches))
            throw new CompiledModelException($"This GPU session was opened for {Program.Name}'s kernels; open one with the model's own OpenGpu.");
        if (parameterCount != ParameterCount)
            throw new CompiledModelException($"The model has {parameterCount:N0} parameter floats but this GPU session holds {ParameterCount:N0}: it was opened for a model of other dimensions.");
        Device.MakeCurrent();
        long floats = (arenaBytes + sizeof(float) - 1) / sizeof(float);
        if (arena is not null && arena.Length >= floats) return;
        Accelerator.Synchronize();   // queued kernels may still use the old arena
        arena?.Dispose();
        arena = null;
        arena = Accelerator.Allocate1D<float>(Math.Max(floats, 1));
    }

    /// <summary>
    /// Launches kernel <paramref name="kernel"/> (its index in the program's launch table) over <paramref name="work"/>
    /// elements or rows per its grid rule (<see cref="LaunchShape"/>), with one argument slot per kernel parameter
    /// (addresses, or scalars as <see cref="KernelArg"/> encodes them).
    /// </summary>
    public void Launch(int kernel, long work, params ReadOnlySpan<ulong> arguments)
    {
        var launch = Program.Launches[kernel];
        if (arguments.Length != launch.Arguments.Length)
            throw new ArgumentException($"Kernel {launch.Kernel} takes {launch.Arguments.Length} arguments, got {arguments.Length}.", nameof(arguments));
        var values = new object[arguments.Length];
        for (int i = 0; i < arguments.Length; i++)
            values[i] = launch.Arguments[i].Kind switch
            {
                KernelArgumentKind.FloatPointer => FloatsAt(arguments[i], null, "A kernel argument").View,
                KernelArgumentKind.IntPointer => FloatsAt(arguments[i], null, "A kernel argument").View.Cast<int>(),
                KernelArgumentKind.Float => BitConverter.UInt32BitsToSingle((uint)arguments[i]),
                KernelArgumentKind.Int or KernelArgumentKind.Dimension => (int)(uint)arguments[i],
                _ => arguments[i],
            };
        kernels[kernel].Launch(Stream, LaunchShape.For(Accelerator, launch, work), values);
    }

    /// <summary>Row-major <c>C = alpha·op(A)·op(B) + beta·C</c> on device addresses: the CPU <c>Blas.Sgemm</c> arguments.</summary>
    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, ulong a, int lda, ulong b, int ldb, float beta, ulong c, int ldc) =>
        GemmStridedBatched(transA, transB, m, n, k, alpha, a, lda, 0, b, ldb, 0, beta, c, ldc, 0, 1);

    /// <summary>Strided batched row-major GEMM: the CPU <c>Blas.SgemmStridedBatched</c> arguments on device addresses.</summary>
    public void GemmStridedBatched(bool transA, bool transB, int m, int n, int k,
        float alpha, ulong a, int lda, long strideA, ulong b, int ldb, long strideB,
        float beta, ulong c, int ldc, long strideC, int batchCount)
    {
        var first = FloatsAt(a, GemmExtent.OperandA(transA, m, k, lda, strideA, batchCount), "GEMM operand A");
        var second = FloatsAt(b, GemmExtent.OperandB(transB, k, n, ldb, strideB, batchCount), "GEMM operand B");
        var result = FloatsAt(c, GemmExtent.OperandC(m, n, ldc, strideC, batchCount), "GEMM operand C");
        gemm!.Run(transA, transB, m, n, k, alpha, first, lda, strideA, second, ldb, strideB, beta, result, ldc, strideC, batchCount);
    }

    /// <summary>Sets <paramref name="elements"/> 4-byte elements at <paramref name="address"/> to zero.</summary>
    public void Zero(ulong address, long elements) => FloatsAt(address, elements, "A zeroed tensor").View.MemSetToZero(Stream);

    /// <summary>Copies host values to <paramref name="address"/> (after the work queued before, before the work queued after).</summary>
    public void Upload<T>(ReadOnlySpan<T> source, ulong address) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(source);
        BytesAt(address, bytes.Length, "An uploaded tensor").CopyFromCPU(Stream, bytes);
    }

    /// <summary>Copies device values at <paramref name="address"/> to the host once the work queued before has run.</summary>
    public void Download<T>(ulong address, Span<T> destination) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(destination);
        BytesAt(address, bytes.Length, "A downloaded tensor").CopyToCPU(Stream, bytes);
        Stream.Synchronize();
    }

    ArrayView<byte> BytesAt(ulong address, int bytes, string what) =>
        FloatsAt(address, (bytes + sizeof(float) - 1) / sizeof(float), what).View.Cast<byte>().SubView(0, bytes);

    /// <summary>
    /// Generated <c>BackwardOn</c> calls this right after the last step that touches the gradients of
    /// <paramref name="parameters"/> (spec indices): from here on they are final for this pass. Forwards to
    /// <see cref="GradientListener"/>, if any.
    /// </summary>
    public void GradientsReady(params ReadOnlySpan<int> parameters) => GradientListener?.GradientsReady(parameters);

    // ---- What a trainer calls ----

    /// <summary>
    /// Told when gradients become final during a backward pass (e.g. <c>DataParallelGradients</c>,
    /// which all-reduces them while backward goes on); null by default.
    /// </summary>
    public IGradientListener? GradientListener { get; set; }

    /// <summary>Copies all parameter values (spec order, e.g. the model's ParameterValues) to the device.</summary>
    public void UploadParameters(ReadOnlySpan<float> values)
    {
        RequireParameterLength(values.Length, nameof(values));
        Upload(values, ParameterAt(0));
    }

    /// <summary>Copies the device's parameter values to the host (for checkpoints, or evaluation on the CPU).</summary>
    public void DownloadParameters(Span<float> values)
    {
        RequireParameterLength(values.Length, nameof(values));
        Download(ParameterAt(0), values);
    }

    /// <summary>Copies the gradients of the last BackwardOn to the host.</summary>
    public void DownloadGradients(Span<float> values)
    {
        RequireParameterLength(values.Length, nameof(values));
        Download(GradientAt(0), values);
    }

    void RequireParameterLength(int length, string name)
    {
        if (length != ParameterCount)
            throw new ArgumentException($"The GPU session holds {ParameterCount:N0} parameter floats, but the host span has {length:N0}.", name);
    }

    /// <summary>
    /// √(Σ g²) over every gradient: per-group partial sums on the device (at most <see cref="NormGroups"/> doubles
    /// copied back), added on the host in order, so the same gradients always give the same norm. NaN/∞ when any
    /// gradient is.
    /// </summary>
    public double GradientNorm()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        Device.MakeCurrent();
        int groups = Runtime.SumSquares(Stream, GradientView, normPartials!.View);
        var partials = normPartialsHost.AsSpan(0, groups);
        normPartials.View.SubView(0, groups).CopyToCPU(Stream, partials);
        Stream.Synchronize();
        double total = 0;
        foreach (double partial in partials) total += partial;
        return Math.Sqrt(total);
    }

    /// <summary>An Adam/AdamW optimizer whose moments live on this device, updating the session's parameters in place.</summary>
    public GpuAdam CreateAdam(Training.AdamSettings settings) => new(this, settings);

    /// <summary>Waits until all queued work has finished.</summary>
    public void Synchronize() => Stream.Synchronize();

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        // Null-checked throughout: a constructor that failed part-way disposes what it had created.
        Device.MakeCurrent();
        Accelerator.Synchronize();
        gemm?.Dispose();
        foreach (var kernel in kernels) kernel.Dispose();
        arena?.Dispose();
        normPartials?.Dispose();
        gradients?.Dispose();
        parameters?.Dispose();
        if (ownsDevice) Device.Dispose();
    }
}
