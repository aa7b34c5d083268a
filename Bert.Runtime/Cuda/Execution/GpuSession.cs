using System.Runtime.InteropServices;
using Bert.Runtime.Cuda.Kernels;
using Bert.Runtime.Cuda.Nvrtc;
using Bert.Runtime.Execution;

namespace Bert.Runtime.Cuda.Execution;

/// <summary>
/// One generated model's program on one GPU: the model's CUDA module (NVRTC, disk-cached, for the device's
/// architecture) and the runtime kernels, one stream, cuBLAS, and device buffers laid out exactly like the host
/// model's (parameter values and gradients in spec order, the arena at the offsets Bind computes), so generated
/// host code addresses device tensors with the same element offsets as CPU ones. Generated <c>ForwardOn</c> /
/// <c>BackwardOn</c> call <see cref="Launch"/>, <see cref="Gemm"/>, <see cref="Zero"/> and the copies; a trainer
/// uses <see cref="UploadParameters"/>, <see cref="CreateAdam"/>, <see cref="GradientNorm"/> and
/// <see cref="DownloadParameters"/>. Every call queues on the session's stream; copies to the host wait for it.
/// Use a session from one thread at a time (each call makes the device current on the calling thread).
/// </summary>
public sealed class GpuSession : IGpuTarget, IDisposable
{
    const string ParametersRegion = "parameters", GradientsRegion = "gradients", ArenaRegion = "arena";

    readonly CudaStream stream;
    readonly CudaModule? module;
    readonly CudaKernel[] kernels;
    readonly GpuRuntimeKernels runtime;
    readonly GpuGemm gemm;
    readonly DeviceAllocation parameters, gradients, norm;
    readonly DeviceRegions regions = new();
    DeviceAllocation? arena;
    bool disposed;

    GpuSession(CudaDevice device, GpuProgram program, IReadOnlyList<ParameterSpec> specs, GpuOptions options)
    {
        Device = device;
        Program = program;
        Parameters = specs;
        try
        {
            ParameterCount = ParameterSpec.TotalElements(specs);
            if (ParameterCount == 0) throw new CompiledModelException($"{program.Name} has no parameters to place on the GPU.");
            var compiler = new NvrtcCompiler(new NvrtcCache(options.NvrtcCacheDirectory ?? NvrtcCache.DefaultDirectory));
            stream = device.CreateStream();
            runtime = GpuRuntimeKernels.Load(device, compiler);
            kernels = [];
            if (program.Launches.Count > 0)
            {
                module = device.LoadModule(compiler.Compile(program.Name, program.Source, device.CompileTarget));
                kernels = [.. program.Launches.Select(l => module.GetKernel(l.Kernel))];
            }
            parameters = device.Allocate(ParameterCount * (long)sizeof(float));
            gradients = device.Allocate(ParameterCount * (long)sizeof(float));
            norm = device.Allocate(sizeof(double));
            regions.Set(ParametersRegion, parameters.Memory.Pointer, parameters.Memory.Bytes);
            regions.Set(GradientsRegion, gradients.Memory.Pointer, gradients.Memory.Bytes);
            gemm = new GpuGemm(device, stream, runtime, regions, options.Gemm);
            device.Fill(gradients.Memory);
        }
        catch
        {
            Dispose();   // releases what was created before the failure, and the device
            throw;
        }
    }

    /// <summary>
    /// Opens <paramref name="device"/> (<c>cuda:N</c>) for <paramref name="program"/>: compiles and loads its kernels
    /// and allocates parameters and gradients for <paramref name="parameters"/> (contents: gradients zero, values
    /// undefined until <see cref="UploadParameters"/>). The arena is allocated by the first forward pass.
    /// </summary>
    public static GpuSession Open(DeviceSpec device, GpuProgram program, IReadOnlyList<ParameterSpec> parameters, GpuOptions? options = null) =>
        new(CudaDevice.Open(device), program, parameters, options ?? new GpuOptions());

    public CudaDevice Device { get; }
    public GpuProgram Program { get; }
    public IReadOnlyList<ParameterSpec> Parameters { get; }

    /// <summary>Floats in the parameter (and gradient) buffer.</summary>
    public int ParameterCount { get; }

    public GemmPrecision GemmPrecision => gemm.Precision;

    /// <summary>Bytes of device arena allocated so far (grows, never shrinks).</summary>
    public long ArenaCapacityBytes => arena?.Memory.Bytes ?? 0;

    // ---- Addresses: element offsets of the host layout, in the device buffers ----

    /// <summary>The device address of parameter element <paramref name="element"/> (spec order, like the host values).</summary>
    public ulong ParameterAt(long element) => parameters.Memory.Pointer + ElementBytes(element, ParameterCount, ParametersRegion);

    public ulong GradientAt(long element) => gradients.Memory.Pointer + ElementBytes(element, ParameterCount, GradientsRegion);

    /// <summary>The device address of arena element <paramref name="element"/> (the host arena's offsets).</summary>
    public ulong ArenaAt(long element)
    {
        var memory = arena?.Memory ?? throw new InvalidOperationException("The GPU session has no arena yet: the generated ForwardOn allocates it.");
        return memory.Pointer + ElementBytes(element, memory.Bytes / sizeof(float), ArenaRegion);
    }

    static ulong ElementBytes(long element, long count, string region)
    {
        if (element < 0 || element > count)
            throw new InvalidOperationException($"Element {element:N0} is outside the session's {region} buffer of {count:N0} floats.");
        return (ulong)element * sizeof(float);
    }

    // ---- What generated host code calls ----

    /// <summary>
    /// Starts a generated program's forward or backward pass: checks the session was opened for that model
    /// (<paramref name="launches"/> is its launch table, <paramref name="parameterCount"/> its parameter floats),
    /// makes the device current, and grows the arena to <paramref name="arenaBytes"/> (contents undefined after growing).
    /// </summary>
    public void Prepare(IReadOnlyList<CudaKernelLaunch> launches, int parameterCount, long arenaBytes)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!ReferenceEquals(launches, Program.Launches))
            throw new CompiledModelException($"This GPU session was opened for {Program.Name}'s kernels; open one with the model's own OpenGpu.");
        if (parameterCount != ParameterCount)
            throw new CompiledModelException($"The model has {parameterCount:N0} parameter floats but this GPU session holds {ParameterCount:N0}: it was opened for a model of other dimensions.");
        Device.MakeCurrent();
        if (arenaBytes <= ArenaCapacityBytes) return;
        stream.Synchronize();   // queued kernels may still use the old arena
        arena?.Dispose();
        arena = null;
        arena = Device.Allocate(arenaBytes);
        regions.Set(ArenaRegion, arena.Memory.Pointer, arena.Memory.Bytes);
    }

    /// <summary>
    /// Launches kernel <paramref name="kernel"/> (its index in the program's launch table) over <paramref name="work"/>
    /// elements or rows per its grid rule, with one argument slot per kernel parameter (pointers as device addresses,
    /// scalars encoded by <see cref="KernelArg"/>).
    /// </summary>
    public void Launch(int kernel, long work, params ReadOnlySpan<ulong> arguments)
    {
        var launch = Program.Launches[kernel];
        if (arguments.Length != launch.Arguments.Length)
            throw new ArgumentException($"Kernel {launch.Kernel} takes {launch.Arguments.Length} arguments, got {arguments.Length}.", nameof(arguments));
        var config = new LaunchConfig(new Dim3((uint)launch.GridSize(work)), new Dim3((uint)launch.BlockSize), launch.SharedMemoryBytes);
        kernels[kernel].Launch(config, stream, arguments);
    }

    /// <summary>Row-major <c>C = alpha·op(A)·op(B) + beta·C</c> on device addresses: the CPU <c>Blas.Sgemm</c> arguments.</summary>
    public void Gemm(bool transA, bool transB, int m, int n, int k,
        float alpha, ulong a, int lda,
        ulong b, int ldb,
        float beta, ulong c, int ldc) =>
        gemm.Run(transA, transB, m, n, k, alpha, a, lda, 0, b, ldb, 0, beta, c, ldc, 0, 1);

    /// <summary>Strided batched row-major GEMM: the CPU <c>Blas.SgemmStridedBatched</c> arguments on device addresses.</summary>
    public void GemmStridedBatched(bool transA, bool transB, int m, int n, int k,
        float alpha, ulong a, int lda, long strideA,
        ulong b, int ldb, long strideB,
        float beta, ulong c, int ldc, long strideC,
        int batchCount) =>
        gemm.Run(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batchCount);

    /// <summary>Sets <paramref name="elements"/> 4-byte elements at <paramref name="address"/> to zero.</summary>
    public void Zero(ulong address, long elements)
    {
        var memory = new DeviceMemory(address, elements * sizeof(float));
        regions.Require(memory.Pointer, memory.Bytes, "A zeroed tensor");
        Device.Fill(memory);
    }

    /// <summary>Copies host values to <paramref name="address"/> (after the work queued before, before the work queued after).</summary>
    public void Upload<T>(ReadOnlySpan<T> source, ulong address) where T : unmanaged
    {
        var memory = new DeviceMemory(address, MemoryMarshal.AsBytes(source).Length);
        regions.Require(memory.Pointer, memory.Bytes, "An uploaded tensor");
        Device.Upload(source, memory);
    }

    /// <summary>Copies device values at <paramref name="address"/> to the host once the work queued before has run.</summary>
    public void Download<T>(ulong address, Span<T> destination) where T : unmanaged
    {
        var memory = new DeviceMemory(address, MemoryMarshal.AsBytes(destination).Length);
        regions.Require(memory.Pointer, memory.Bytes, "A downloaded tensor");
        Device.Download(memory, destination);
    }

    /// <summary>
    /// Generated <c>BackwardOn</c> calls this right after the last step that touches the gradients of
    /// <paramref name="parameters"/> (spec indices): from here on they are final for this pass. Forwards to
    /// <see cref="GradientListener"/>, if any.
    /// </summary>
    public void GradientsReady(params ReadOnlySpan<int> parameters) => GradientListener?.GradientsReady(parameters);

    // ---- What a trainer calls ----

    /// <summary>
    /// Told when gradients become final during a backward pass (e.g. <see cref="Distributed.DataParallelGradients"/>,
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
    public void DownloadGradients(Span<float> gradients)
    {
        RequireParameterLength(gradients.Length, nameof(gradients));
        Download(GradientAt(0), gradients);
    }

    void RequireParameterLength(int length, string name)
    {
        if (length != ParameterCount)
            throw new ArgumentException($"The GPU session holds {ParameterCount:N0} parameter floats, but the host span has {length:N0}.", name);
    }

    /// <summary>√(Σ g²) over every gradient, computed on the device (one 8-byte copy back); NaN/∞ when any gradient is.</summary>
    public double GradientNorm()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        Device.MakeCurrent();
        Device.Fill(norm.Memory);
        runtime.SumSquares.Launch(GpuRuntimeKernels.GridStride(ParameterCount), stream,
            [gradients.Memory.Pointer, KernelArg.Long(ParameterCount), norm.Memory.Pointer]);
        Span<double> total = stackalloc double[1];
        Device.Download(norm.Memory, total);
        return Math.Sqrt(total[0]);
    }

    /// <summary>An Adam/AdamW optimizer whose moments live on this device, updating the session's parameters in place.</summary>
    public GpuAdam CreateAdam(Training.AdamSettings settings) => new(this, settings);

    /// <summary>Waits until all queued work has finished.</summary>
    public void Synchronize() => stream.Synchronize();

    internal CudaStream Stream => stream;
    internal GpuRuntimeKernels Runtime => runtime;
    internal DeviceMemory ParameterMemory => parameters.Memory;
    internal DeviceMemory GradientMemory => gradients.Memory;

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        // Null-checked throughout: a constructor that failed part-way disposes what it had created.
        Device.MakeCurrent();
        stream?.Synchronize();
        gemm?.Dispose();
        arena?.Dispose();
        norm?.Dispose();
        gradients?.Dispose();
        parameters?.Dispose();
        module?.Dispose();
        runtime?.Dispose();
        stream?.Dispose();
        Device.Dispose();
    }
}
