using System.Collections.Generic;
using Bert.Generators.Common;
using Bert.Generators.Kernels;

namespace Bert.Generators.Emit
{
    /// <summary>
    /// A kernel as a static C# method that ILGPU compiles to PTX for NVIDIA GPUs, or runs on its CPU accelerator,
    /// explicitly grouped: pointwise bodies as a grid-stride loop; row bodies with one group per row, each thread taking
    /// every group-size-th column, row scalars stored by thread 0, a barrier between a stage and a later one that reads
    /// what it stored; reductions combined by <c>GroupReduce.AllReduce</c>, colliding rows accumulating with
    /// <c>KernelAtomics.Add</c>. The group size is never a constant: the launcher picks it (256 threads on a GPU, a few on the
    /// CPU accelerator), so one kernel serves both.
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

        protected override void EmitRowStores(IReadOnlyList<string> stores, CodeWriter w)
        {
            w.Line("if (Group.IdxX == 0)");
            w.Open();
            foreach (string store in stores) w.Line(store);
            w.Close();
        }

        protected override void StageBarrier(CodeWriter w) => w.Line("Group.Barrier();");

        protected override void CombineReduction(ReduceStage reduce, CodeWriter w) =>
            w.Line($"{reduce.Result} = GroupReduce.AllReduce<float, {(reduce.Op == ReduceOp.Sum ? "AddFloat" : "MaxFloat")}>({reduce.Result});");

        protected override System.Func<string, string, string, string>? CollidingAccumulate =>
            (buffer, index, value) => $"KernelAtomics.Add({buffer}, {index}, {value})";
    }
}
