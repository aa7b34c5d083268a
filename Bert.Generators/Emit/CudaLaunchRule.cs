using Bert.Generators.Common;
using Bert.Generators.Kernels;

namespace Bert.Generators.Emit
{
    /// <summary>How a CUDA kernel is launched: threads per block, what the grid covers, dynamic shared memory.</summary>
    internal sealed record CudaLaunchRule(bool OneBlockPerRow, int BlockSize, int SharedMemoryBytes, SizeExpr Work)
    {
        const int PointwiseBlock = 256, MaxRowBlock = 256, WarpSize = 32;

        /// <summary>
        /// Pointwise kernels: 256-thread blocks over a grid-stride loop, the grid covering <see cref="Work"/> elements.
        /// Row kernels: one block per row; a constant row length gets the smallest power-of-two block (32 to 256) that
        /// covers it, a symbolic one 256; reductions get one float of shared scratch per warp.
        /// </summary>
        public static CudaLaunchRule For(Kernel kernel)
        {
            switch (kernel.Body)
            {
                case PointwiseBody p:
                    return new CudaLaunchRule(false, PointwiseBlock, 0, p.Count);
                case RowwiseBody r:
                    int block = MaxRowBlock;
                    if (r.Cols.IsConstant)
                        for (block = WarpSize; block < MaxRowBlock && block < r.Cols.Coefficient; block *= 2) { }
                    int shared = KernelFacts.HasReduction(kernel) ? block / WarpSize * sizeof(float) : 0;
                    return new CudaLaunchRule(true, block, shared, r.Rows);
                default:
                    throw new EmitException($"Kernel {kernel.Name}: unknown body {kernel.Body.GetType().Name}.");
            }
        }
    }
}
