using Bert.Generators.Kernels;

namespace Bert.Generators.Passes
{
    /// <summary>
    /// The last pass over each finished kernel, the same for every target, so that the CPU and GPU emitters print one
    /// program: element loops that broadcast over rows become row loops (<see cref="PointwiseRows"/>), divisions the
    /// loop bounds make redundant go (<see cref="IndexSimplifier"/>), row values the kernel stores are computed once
    /// and read back (<see cref="StoredValueReuse"/>), and so are costly terms a reduction shares with a later store
    /// (<see cref="ReducedValueReuse"/>). Only bodies change: a kernel's parameters, and so its launches, stay.
    /// </summary>
    internal static class KernelRewrites
    {
        /// <summary>The fewest floats per vector in the row loops the targets write (8 with AVX2; 16 with AVX-512): rows shorter than one vector stay element loops.</summary>
        public const int VectorWidth = 8;

        public static Kernel Apply(Kernel kernel) =>
            ReducedValueReuse.Apply(StoredValueReuse.Apply(IndexSimplifier.Simplify(PointwiseRows.Apply(kernel))));
    }
}
