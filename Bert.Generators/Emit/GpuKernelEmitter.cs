using System.Collections.Generic;
using Bert.Generators.Common;
using Bert.Generators.Kernels;

namespace Bert.Generators.Emit
{
    /// <summary>
    /// The loop shape both GPU targets (CUDA C and ILGPU C#) give a kernel: pointwise bodies as a grid-stride loop;
    /// row bodies with one block (group) per row, each thread taking every block-size-th column, row scalars stored
    /// by thread 0, a barrier between a stage and a later one that reads what it stored. Subclasses spell the thread
    /// indices, the barrier, the cross-thread reduction and the atomic add.
    /// </summary>
    internal abstract class GpuKernelEmitter : KernelEmitter
    {
        protected GpuKernelEmitter(TargetDialect dialect) : base(new ExprRenderer(dialect))
        {
        }

        /// <summary>This thread's index in the whole grid, e.g. <c>blockIdx.x * blockDim.x + threadIdx.x</c>.</summary>
        protected abstract string GlobalThread { get; }

        /// <summary>Threads in the whole grid.</summary>
        protected abstract string GridThreads { get; }

        /// <summary>The declaration of <c>row</c> as this block's index.</summary>
        protected abstract string RowDeclaration { get; }

        /// <summary>This thread's index in its block.</summary>
        protected abstract string BlockThread { get; }

        /// <summary>Threads in a block.</summary>
        protected abstract string BlockThreads { get; }

        /// <summary>The block-wide barrier statement.</summary>
        protected abstract string Barrier { get; }

        protected override void BeginElementLoop(Kernel kernel, SizeExpr count, CodeWriter w)
        {
            w.Line($"for (int i = {GlobalThread}; i < {count}; i += {GridThreads})");
            w.Open();
        }

        protected override void EndElementLoop(CodeWriter w) => w.Close();

        protected override void BeginRowLoop(Kernel kernel, RowwiseBody body, CodeWriter w)
        {
            w.Line(RowDeclaration);
            w.Blank();
        }

        protected override void EndRowLoop(RowwiseBody body, CodeWriter w)
        {
        }

        protected override void BeginColumnLoop(SizeExpr cols, CodeWriter w)
        {
            w.Line($"for (int j = {BlockThread}; j < {cols}; j += {BlockThreads})");
            w.Open();
        }

        protected override void EmitRowStores(IReadOnlyList<string> stores, CodeWriter w)
        {
            w.Line($"if ({BlockThread} == 0)");
            w.Open();
            foreach (string store in stores) w.Line(store);
            w.Close();
        }

        protected override void StageBarrier(CodeWriter w) => w.Line(Barrier);
    }
}
