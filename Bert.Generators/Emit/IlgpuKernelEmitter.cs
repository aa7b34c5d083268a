using System.Collections.Generic;
using Bert.Generators.Common;
using Bert.Generators.Kernels;

namespace Bert.Generators.Emit
{
    /// <summary>
    /// A kernel as a static C# method that ILGPU compiles to PTX for NVIDIA GPUs, or runs on its CPU accelerator.
    /// Explicitly grouped, with the CUDA target's shape: pointwise bodies as a grid-stride loop; row bodies with one
    /// group per row, each thread taking every <c>Group.DimX</c>-th column, reductions combined by
    /// <c>GroupExtensions.AllReduce</c>, row scalars stored by thread 0, colliding rows accumulating with
    /// <c>Atomic.Add</c>. The group size is never a constant: the launcher picks it (256 threads on a GPU, a few on
    /// the CPU accelerator), so one kernel serves both.
    /// </summary>
    internal sealed class IlgpuKernelEmitter : KernelEmitter
    {
        public IlgpuKernelEmitter() : base(new ExprRenderer(IlgpuDialect.Instance))
        {
        }

        protected override string Declaration(Kernel kernel) => $"public static void {kernel.Name}";

        protected override string PointerType(KernelBuffer buffer) => $"ArrayView<{Dialect.TypeName(buffer.Type)}>";

        protected override void BeginElementLoop(Kernel kernel, SizeExpr count, CodeWriter w)
        {
            w.Line($"for (int i = Grid.GlobalIndex.X; i < {count}; i += Grid.DimX * Group.DimX)");
            w.Open();
        }

        protected override void EndElementLoop(CodeWriter w) => w.Close();

        protected override void BeginRowLoop(Kernel kernel, RowwiseBody body, CodeWriter w)
        {
            w.Line("int row = Grid.IdxX;");
            w.Blank();
        }

        protected override void EndRowLoop(RowwiseBody body, CodeWriter w)
        {
        }

        protected override void BeginColumnLoop(SizeExpr cols, CodeWriter w)
        {
            w.Line($"for (int j = Group.IdxX; j < {cols}; j += Group.DimX)");
            w.Open();
        }

        protected override void CombineReduction(ReduceStage reduce, CodeWriter w) =>
            w.Line($"{reduce.Result} = GroupExtensions.AllReduce<float, {(reduce.Op == ReduceOp.Sum ? "AddFloat" : "MaxFloat")}>({reduce.Result});");

        protected override void EmitRowStores(IReadOnlyList<string> stores, CodeWriter w)
        {
            w.Line("if (Group.IdxX == 0)");
            w.Open();
            foreach (string store in stores) w.Line(store);
            w.Close();
        }

        protected override void StageBarrier(CodeWriter w) => w.Line("Group.Barrier();");

        protected override System.Func<string, string, string>? CollidingAccumulate => (target, value) => $"Atomic.Add(ref {target}, {value})";
    }
}
