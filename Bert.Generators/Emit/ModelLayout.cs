using Bert.Generators.Plan;

namespace Bert.Generators.Emit
{
    /// <summary>
    /// Where one model's tensors and per-block values live — the tensor views (<see cref="TensorViews"/>) and the block
    /// tables the loops read (<see cref="BlockTables"/>) — built once per plan and shared by every file written for it, so
    /// the CPU program, the GPU host program and Bind agree on each name and offset.
    /// </summary>
    internal sealed class ModelLayout
    {
        public ModelLayout(ExecutionPlan plan)
        {
            Views = new TensorViews(plan);
            Tables = new BlockTables(plan, Views);
        }

        public TensorViews Views { get; }
        public BlockTables Tables { get; }
    }
}
