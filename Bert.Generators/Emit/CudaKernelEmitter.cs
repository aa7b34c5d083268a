using Bert.Generators.Common;
using Bert.Generators.Kernels;

namespace Bert.Generators.Emit
{
    /// <summary>
    /// A kernel as an <c>extern "C" __global__</c> function with the GPU loop shape of <see cref="GpuKernelEmitter"/>:
    /// reductions combined by <c>block_reduce</c> over one float of shared scratch per warp; colliding rows
    /// accumulate with <c>atomicAdd</c>.
    /// </summary>
    internal sealed class CudaKernelEmitter : GpuKernelEmitter
    {
        public CudaKernelEmitter(CudaDialect dialect) : base(dialect)
        {
        }

        protected override string Declaration(Kernel kernel) =>
            $"extern \"C\" __global__ void __launch_bounds__({CudaLaunchRule.For(kernel).BlockSize}) {kernel.Name}";

        protected override string PointerType(KernelBuffer buffer) =>
            (buffer.Access == BufferAccess.Read ? "const " : "") + Dialect.TypeName(buffer.Type) + "*";

        protected override string GlobalThread => "blockIdx.x * blockDim.x + threadIdx.x";
        protected override string GridThreads => "gridDim.x * blockDim.x";
        protected override string RowDeclaration => "const int row = blockIdx.x;";
        protected override string BlockThread => "threadIdx.x";
        protected override string BlockThreads => "blockDim.x";
        protected override string Barrier => "__syncthreads();";

        protected override void BeginBody(Kernel kernel, CodeWriter w)
        {
            if (KernelFacts.HasReduction(kernel)) w.Line("extern __shared__ float scratch[];  // one float per warp, for block_reduce");
        }

        protected override void CombineReduction(ReduceStage reduce, CodeWriter w) =>
            w.Line($"{reduce.Result} = block_reduce({reduce.Result}, scratch, {(reduce.Op == ReduceOp.Sum ? "SumOp" : "MaxOp")}());");

        protected override System.Func<string, string, string>? CollidingAccumulate => (target, value) => $"atomicAdd(&{target}, {value})";
    }
}
