using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Algorithms.ScanReduceOperations;
using Bert.Runtime.Execution;
using ILGPU.Runtime;

namespace Bert.Runtime.Gpu;

/// <summary>
/// The hand-written kernels a <see cref="GpuSession"/> launches itself (the model's own kernels are generated): the
/// fused Adam/AdamW update, the sum of squared gradients for global-norm clipping, and fp32 → bf16 operand conversion
/// for tensor-core GEMMs. Each walks its range with a grid-stride loop (<see cref="LaunchShape.GridStride"/>).
/// No kernel here uses floating-point atomics: the sum of squares writes one partial sum per group (combined by
/// <see cref="GroupReduce"/>), added on the host in group order, so the norm is deterministic, and a NaN gradient
/// gives a NaN norm on the simulator too (ILGPU's CPU float atomics spin forever on NaN).
/// </summary>
public sealed class RuntimeKernels
{
    /// <summary>Threads per group of every runtime kernel (capped at the accelerator's).</summary>
    public const int GroupSize = 256;

    readonly Accelerator accelerator;
    readonly Action<AcceleratorStream, KernelConfig, AdamStep, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> adam;
    readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<double>> sumSquares;
    readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<ushort>> toBf16;

    public RuntimeKernels(Accelerator accelerator)
    {
        this.accelerator = accelerator;
        adam = accelerator.LoadKernel<AdamStep, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(AdamUpdateKernel);
        sumSquares = accelerator.LoadKernel<ArrayView<float>, ArrayView<double>>(SumSquaresKernel);
        toBf16 = accelerator.LoadKernel<ArrayView<float>, ArrayView<ushort>>(ToBf16Kernel);
    }

    /// <summary>The scalars of one Adam/AdamW step over parameters sharing one weight-decay setting (see <see cref="AdamUpdateKernel"/>).</summary>
    public readonly record struct AdamStep(float Beta1, float Beta2, float Epsilon, float L2, float Keep, float StepSize, float InvCorrection2, float GradScale);

    /// <summary>Queues one Adam/AdamW step over <paramref name="theta"/> and its gradients and moments (views of equal length).</summary>
    public void AdamUpdate(AcceleratorStream stream, AdamStep step, ArrayView<float> theta, ArrayView<float> grad, ArrayView<float> m, ArrayView<float> v) =>
        adam(stream, LaunchShape.GridStride(accelerator, theta.Length, GroupSize), step, theta, grad, m, v);

    /// <summary>
    /// Queues Σ x² as per-group partial sums: <paramref name="partials"/>[g] for each group g of the launch, which
    /// uses at most <paramref name="partials"/>.Length groups. Returns how many partial sums it writes.
    /// </summary>
    public int SumSquares(AcceleratorStream stream, ArrayView<float> x, ArrayView<double> partials)
    {
        var shape = LaunchShape.GridStride(accelerator, x.Length, GroupSize, maxGroups: (int)partials.Length);
        sumSquares(stream, shape, x, partials);
        return shape.GridDim.X;
    }

    /// <summary>Queues <c>output[i] = bf16(input[i])</c>, rounded to nearest even.</summary>
    public void ToBf16(AcceleratorStream stream, ArrayView<float> input, ArrayView<ushort> output) =>
        toBf16(stream, LaunchShape.GridStride(accelerator, input.Length, GroupSize), input, output);

    // One Adam/AdamW step, in the order of the CPU Bert.Runtime.Training.AdamOptimizer:
    //   g ← gradScale·grad + l2·θ                 (gradScale: global-norm clipping; l2: Adam's L2 decay or 0)
    //   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²
    //   θ ← θ·keep + stepSize · m / (√(v·invCorrection2) + ε)
    // keep = 1 − lr·wd under AdamW's decoupled decay (else 1); stepSize = −lr / (1 − β1ᵗ); invCorrection2 = 1 / (1 − β2ᵗ).
    static void AdamUpdateKernel(AdamStep s, ArrayView<float> theta, ArrayView<float> grad, ArrayView<float> m, ArrayView<float> v)
    {
        for (long i = Grid.GlobalIndex.X; i < theta.Length; i += (long)Grid.DimX * Group.DimX)
        {
            float p = theta[i];
            float g = grad[i] * s.GradScale + s.L2 * p;
            float mi = s.Beta1 * m[i] + (1f - s.Beta1) * g;
            float vi = s.Beta2 * v[i] + (1f - s.Beta2) * (g * g);
            m[i] = mi;
            v[i] = vi;
            theta[i] = p * s.Keep + s.StepSize * (mi / (XMath.Sqrt(vi * s.InvCorrection2) + s.Epsilon));
        }
    }

    // Σ x² in double per thread, a group reduction, one partial sum per group. NaN or ±Inf anywhere makes the total
    // non-finite, which is how divergence is detected.
    static void SumSquaresKernel(ArrayView<float> x, ArrayView<double> partials)
    {
        double sum = 0.0;
        for (long i = Grid.GlobalIndex.X; i < x.Length; i += (long)Grid.DimX * Group.DimX)
        {
            double xi = x[i];
            sum += xi * xi;
        }
        double groupSum = GroupReduce.AllReduce<double, AddDouble>(sum);
        if (Group.IsFirstThread) partials[Grid.IdxX] = groupSum;
    }

    // bf16 is the top half of an fp32: round the dropped half to nearest even; NaN stays a (quiet) NaN.
    static void ToBf16Kernel(ArrayView<float> input, ArrayView<ushort> output)
    {
        for (long i = Grid.GlobalIndex.X; i < input.Length; i += (long)Grid.DimX * Group.DimX)
        {
            float value = input[i];
            uint bits = Interop.FloatAsInt(value);
            output[i] = XMath.IsNaN(value) ? (ushort)0x7FC0 : (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
        }
    }
}
