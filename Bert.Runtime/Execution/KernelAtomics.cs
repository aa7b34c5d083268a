using ILGPU;
using ILGPU.Runtime;

namespace Bert.Runtime.Execution;

/// <summary>
/// The atomic add generated GPU kernels use where rows may collide (e.g. the embedding gradient's scatter). On a GPU
/// it is the hardware's float atomic add. On ILGPU's CPU accelerator (the simulator) it is a compare-exchange loop on
/// the float's bits: ILGPU's own CPU float atomic compares values, and NaN never equals itself, so a NaN gradient
/// would spin forever instead of reaching the trainer's divergence check. <see cref="Accelerator.CurrentType"/> is
/// folded when ILGPU compiles the kernel, so each target gets one branch.
/// </summary>
public static class KernelAtomics
{
    public static void Add(ArrayView<float> view, int index, float value)
    {
        if (Accelerator.CurrentType != AcceleratorType.CPU)
        {
            Atomic.Add(ref view[index], value);
            return;
        }
        ref uint bits = ref view.Cast<uint>()[index];
        uint current = bits;
        while (true)
        {
            uint next = Interop.FloatAsInt(Interop.IntAsFloat(current) + value);
            uint seen = Atomic.CompareExchange(ref bits, current, next);
            if (seen == current) return;
            current = seen;
        }
    }
}
