using static Bert.Runtime.Cuda.Interop.CuDriver;

namespace Bert.Runtime.Cuda.Kernels;

/// <summary>A <c>__global__</c> function of a loaded <see cref="CudaModule"/>.</summary>
public sealed unsafe class CudaKernel
{
    // Launches may use this much dynamic shared memory without opting in through cuFuncSetAttribute.
    const int DefaultSharedMemoryLimit = 48 * 1024;

    readonly nint function;
    int sharedMemoryOptIn = DefaultSharedMemoryLimit;

    internal CudaKernel(nint function, string name)
    {
        this.function = function;
        Name = name;
    }

    public string Name { get; }

    /// <summary>Queues the kernel on <paramref name="stream"/> with <paramref name="args"/> in declaration order.</summary>
    public void Launch(LaunchConfig config, CudaStream stream, KernelArgs args) => Launch(config, stream, args.Slots);

    /// <summary>Queues the kernel with one 8-byte argument slot per parameter (see <see cref="KernelArgs"/>).</summary>
    public void Launch(LaunchConfig config, CudaStream stream, ReadOnlySpan<ulong> slots)
    {
        if (config.SharedMemoryBytes > sharedMemoryOptIn)
        {
            Check(cuFuncSetAttribute(function, FunctionAttributeMaxDynamicSharedSizeBytes, config.SharedMemoryBytes));
            sharedMemoryOptIn = config.SharedMemoryBytes;
        }
        void** pointers = stackalloc void*[Math.Max(slots.Length, 1)];
        fixed (ulong* first = slots)
        {
            for (int i = 0; i < slots.Length; i++) pointers[i] = first + i;
            int result = cuLaunchKernel(function, config.Grid.X, config.Grid.Y, config.Grid.Z,
                config.Block.X, config.Block.Y, config.Block.Z, (uint)config.SharedMemoryBytes, stream.Handle, pointers, null);
            if (result != 0)
                throw new CudaException($"cuLaunchKernel({Name})",
                    $"{Describe(result)} (grid {config.Grid}, block {config.Block}, {config.SharedMemoryBytes} B shared)");
        }
    }
}
