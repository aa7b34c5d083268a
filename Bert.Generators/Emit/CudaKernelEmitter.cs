using System.Collections.Generic;
using Bert.Generators.Common;
using Bert.Generators.Kernels;

namespace Bert.Generators.Emit
{
    /// <summary>
    /// A kernel as an <c>extern "C" __global__</c> function: pointwise bodies as a grid-stride loop; row bodies with
    /// one block per row, each thread taking every blockDim.x-th column, reductions combined by
    /// <c>block_reduce</c>, row scalars stored by thread 0; colliding rows accumulate with <c>atomicAdd</c>.
    /// </summary>
    internal sealed class CudaKernelEmitter : KernelEmitter
    {
        public CudaKernelEmitter(CudaDialect dialect) : base(new ExprRenderer(dialect))
        {
        }

        protected override string Declaration(Kernel kernel) =>
            $"extern \"C\" __global__ void __launch_bounds__({CudaLaunchRule.For(kernel).BlockSize}) {kernel.Name}";

        protected override string PointerType(KernelBuffer buffer) =>
            (buffer.Access == BufferAccess.Read ? "const " : "") + Dialect.TypeName(buffer.Type) + "*";

        protected override void BeginBody(Kernel kernel, CodeWriter w)
        {
            if (KernelFacts.HasReduction(kernel)) w.Line("extern __shared__ float scratch[];  // one float per warp, for block_reduce");
        }

        protected override void BeginElementLoop(Kernel kernel, SizeExpr count, CodeWriter w)
        {
            w.Line($"for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < {count}; i += gridDim.x * blockDim.x)");
            w.Open();
        }

        protected override void EndElementLoop(CodeWriter w) => w.Close();

        protected override void BeginRowLoop(Kernel kernel, RowwiseBody body, CodeWriter w)
        {
            w.Line("const int row = blockIdx.x;");
            w.Blank();
        }

        protected override void EndRowLoop(RowwiseBody body, CodeWriter w)
        {
        }

        protected override void BeginColumnLoop(SizeExpr cols, CodeWriter w)
        {
            w.Line($"for (int j = threadIdx.x; j < {cols}; j += blockDim.x)");
            w.Open();
        }

        protected override void CombineReduction(ReduceStage reduce, CodeWriter w) =>
            w.Line($"{reduce.Result} = block_reduce({reduce.Result}, scratch, {(reduce.Op == ReduceOp.Sum ? "SumOp" : "MaxOp")}());");

        protected override void EmitRowStores(IReadOnlyList<string> stores, CodeWriter w)
        {
            w.Line("if (threadIdx.x == 0)");
            w.Open();
            foreach (string store in stores) w.Line(store);
            w.Close();
        }

        protected override void StageBarrier(CodeWriter w) => w.Line("__syncthreads();");

        protected override System.Func<string, string, string>? CollidingAccumulate => (target, value) => $"atomicAdd(&{target}, {value})";
    }
}
