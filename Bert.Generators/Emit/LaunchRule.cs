using Bert.Generators.Common;
using Bert.Generators.Kernels;

namespace Bert.Generators.Emit
{
    /// <summary>How a GPU kernel is launched: threads per group (block), and what the grid covers.</summary>
    internal sealed record LaunchRule(bool OneBlockPerRow, int BlockSize, SizeExpr Work)
    {
        const int PointwiseBlock = 256, MaxRowBlock = 256, WarpSize = 32;

        /// <summary>
        /// Pointwise kernels: 256-thread groups over a grid-stride loop, the grid covering <see cref="Work"/> elements.
        /// Row kernels: one group per row; a constant row length gets the smallest power-of-two group (32 to 256) that
        /// covers it, a symbolic one 256. The launcher caps the group at the accelerator's.
        /// </summary>
        public static LaunchRule For(Kernel kernel)
        {
            switch (kernel.Body)
            {
                case PointwiseBody p:
                    return new LaunchRule(false, PointwiseBlock, p.Count);
                case RowwiseBody r:
                    int block = MaxRowBlock;
                    if (r.Cols.IsConstant)
                        for (block = WarpSize; block < MaxRowBlock && block < r.Cols.Coefficient; block *= 2) { }
                    return new LaunchRule(true, block, r.Rows);
                default:
                    throw new EmitException($"Kernel {kernel.Name}: unknown body {kernel.Body.GetType().Name}.");
            }
        }
    }
}
