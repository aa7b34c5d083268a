using System.Reflection;
using Bert.Generators.Emit;
using Bert.Generators.Kernels;
using Bert.Generators.Plan;
using Bert.Generators.Tests.Back.Support;
using Bert.Generators.Tests.Front;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using DeviceKernel = ILGPU.Runtime.Kernel;
using Kernel = Bert.Generators.Kernels.Kernel;

namespace Bert.Generators.Tests.Gpu;

/// <summary>
/// Runs a plan's kernels as the generated ILGPU C# (<c>{Model}.IlgpuKernels</c>, compiled in memory) on ILGPU's CPU
/// accelerator, which executes every GPU thread, group barrier and group reduction the kernel asks for. Each array
/// the interpreter holds (arena, parameters, gradients, an input) becomes one device buffer and every kernel buffer a
/// view into it, so kernels see the memory plan's aliasing exactly; values are fp32 on the device.
/// Small groups (a warp of 4, at most 16 threads) keep the emulation fast; the kernels take any group size.
/// </summary>
sealed class IlgpuKernelRunner : IKernelRunner, IDisposable
{
    readonly Context context = Context.Create(b => b.CPU(new CPUDevice(4, 4, 2)).EnableAlgorithms());
    readonly Accelerator accelerator;
    readonly Type kernels;
    readonly Dictionary<string, DeviceKernel> loaded = new();

    public IlgpuKernelRunner(ExecutionPlan plan)
    {
        accelerator = context.CreateCPUAccelerator(0);
        kernels = GeneratedIlgpuKernels.Compile(plan);
    }

    /// <summary>The kernels that ran, with their launch shapes (grid × group), in first-launch order.</summary>
    public List<string> Launched { get; } = [];

    public void Run(Kernel kernel, IReadOnlyDictionary<string, KernelBufferBinding> buffers,
        IReadOnlyDictionary<string, double> scalars, IReadOnlyDictionary<string, long> symbols)
    {
        var arrays = new Dictionary<(double[] Array, ScalarType Type), MemoryBuffer>();
        try
        {
            var arguments = new List<object>();
            foreach (var buffer in kernel.Buffers)
            {
                var binding = buffers[buffer.Name];
                if (!arrays.TryGetValue((binding.Array, buffer.Type), out var device))
                    arrays[(binding.Array, buffer.Type)] = device = Upload(binding.Array, buffer.Type);
                arguments.Add(buffer.Type == ScalarType.F32
                    ? ((MemoryBuffer1D<float, Stride1D.Dense>)device).View.SubView(binding.Offset, binding.Elements).AsContiguous()
                    : ((MemoryBuffer1D<int, Stride1D.Dense>)device).View.SubView(binding.Offset, binding.Elements).AsContiguous());
            }
            foreach (var scalar in kernel.Scalars)
                arguments.Add(scalar.Type switch
                {
                    ScalarType.F32 => (object)(float)scalars[scalar.Name],
                    ScalarType.I32 => (int)scalars[scalar.Name],
                    _ => (ulong)scalars[scalar.Name],
                });
            foreach (string symbol in KernelFacts.Symbols(kernel)) arguments.Add(checked((int)symbols[symbol]));

            var config = LaunchShape(kernel, symbols);
            Load(kernel.Name).Launch(accelerator.DefaultStream, config, arguments.ToArray());
            accelerator.Synchronize();
            if (!Launched.Contains(kernel.Name)) Launched.Add(kernel.Name);

            // Only what the kernel may write comes back, so an array shared by fp32 and int32 buffers keeps both.
            foreach (var buffer in kernel.Buffers.Where(b => b.Access != BufferAccess.Read))
                Download(arrays[(buffers[buffer.Name].Array, buffer.Type)], buffers[buffer.Name], buffer.Type);
        }
        finally
        {
            foreach (var device in arrays.Values) device.Dispose();
        }
    }

    /// <summary>The launch table's rule with the group capped at the accelerator's: a group per row, or a grid-stride loop.</summary>
    KernelConfig LaunchShape(Kernel kernel, IReadOnlyDictionary<string, long> symbols)
    {
        var rule = LaunchRule.For(kernel);
        int group = Math.Min(rule.BlockSize, accelerator.MaxNumThreadsPerGroup);
        long work = MemoryPlan.Evaluate(rule.Work, symbols);
        int grid = rule.OneBlockPerRow ? checked((int)work) : (int)Math.Clamp((work + group - 1) / group, 1, 64);
        return new KernelConfig(Math.Max(grid, 1), group);
    }

    DeviceKernel Load(string name)
    {
        if (loaded.TryGetValue(name, out var kernel)) return kernel;
        var method = kernels.GetMethod(name, BindingFlags.Public | BindingFlags.Static) ?? throw new InvalidOperationException($"No kernel {name}.");
        return loaded[name] = accelerator.LoadKernel(method);
    }

    MemoryBuffer Upload(double[] array, ScalarType type) => type == ScalarType.F32
        ? accelerator.Allocate1D(array.Select(v => (float)v).ToArray())
        : accelerator.Allocate1D(array.Select(v => unchecked((int)v)).ToArray());

    static void Download(MemoryBuffer device, KernelBufferBinding binding, ScalarType type)
    {
        int offset = checked((int)binding.Offset), count = checked((int)binding.Elements);
        if (type == ScalarType.F32)
        {
            var values = ((MemoryBuffer1D<float, Stride1D.Dense>)device).GetAsArray1D();
            for (int i = offset; i < offset + count; i++) binding.Array[i] = values[i];
        }
        else
        {
            var values = ((MemoryBuffer1D<int, Stride1D.Dense>)device).GetAsArray1D();
            for (int i = offset; i < offset + count; i++) binding.Array[i] = values[i];
        }
    }

    public void Dispose()
    {
        foreach (var kernel in loaded.Values) kernel.Dispose();
        accelerator.Dispose();
        context.Dispose();
    }
}
