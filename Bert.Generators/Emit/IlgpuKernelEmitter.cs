using Bert.Generators.Kernels;

namespace Bert.Generators.Emit
{
    /// <summary>
    /// A kernel as a static C# method that ILGPU compiles to PTX for NVIDIA GPUs, or runs on its CPU accelerator:
    /// explicitly grouped, with the GPU loop shape of <see cref="GpuKernelEmitter"/>; reductions combined by
    /// <c>GroupExtensions.AllReduce</c>, colliding rows accumulating with <c>Atomic.Add</c>. The group size is never
    /// a constant: the launcher picks it (256 threads on a GPU, a few on the CPU accelerator), so one kernel serves both.
    /// </summary>
    internal sealed class IlgpuKernelEmitter : GpuKernelEmitter
    {
        public IlgpuKernelEmitter() : base(IlgpuDialect.Instance)
        {
        }

        protected override string Declaration(Kernel kernel) => $"public static void {kernel.Name}";

        protected override string PointerType(KernelBuffer buffer) => $"ArrayView<{Dialect.TypeName(buffer.Type)}>";

        protected override string GlobalThread => "Grid.GlobalIndex.X";
        protected override string GridThreads => "Grid.DimX * Group.DimX";
        protected override string RowDeclaration => "int row = Grid.IdxX;";
        protected override string BlockThread => "Group.IdxX";
        protected override string BlockThreads => "Group.DimX";
        protected override string Barrier => "Group.Barrier();";

        protected override void CombineReduction(ReduceStage reduce, CodeWriter w) =>
            w.Line($"{reduce.Result} = GroupExtensions.AllReduce<float, {(reduce.Op == ReduceOp.Sum ? "AddFloat" : "MaxFloat")}>({reduce.Result});");

        protected override System.Func<string, string, string>? CollidingAccumulate => (target, value) => $"Atomic.Add(ref {target}, {value})";
    }
}
