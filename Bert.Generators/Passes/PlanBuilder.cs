using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Common;
using Bert.Generators.Graph;
using Bert.Generators.Kernels;
using Bert.Generators.Plan;

namespace Bert.Generators.Passes
{
    /// <summary>The pass pipeline after parsing: autodiff → lowering → fusion → kernel naming/sharing → kernel rewrites → memory plan → block loops → verification.</summary>
    internal static class PlanBuilder
    {
        public static ExecutionPlan Build(ModelGraph graph)
        {
            if (graph.Backward.Count == 0) Autodiff.Run(graph, graph.Builder!);
            var lowering = Lowering.Run(graph);
            var pinned = new HashSet<string>(graph.Outputs.Select(o => o.Value.Name).Append(graph.Loss!.Name));
            var steps = lowering.Steps;
            if (graph.Fuse) Fusion.Run(steps, lowering.Buffers, pinned);

            var finalizer = new KernelFinalizer(lowering.Buffers);
            var program = finalizer.Finalize(steps);
            var forward = program.Where((s, i) => !steps[i].Backward).ToImmutableArray();
            var backward = program.Where((s, i) => steps[i].Backward).Prepend(new ZeroGradientsStep()).ToImmutableArray();

            var arena = lowering.Buffers.Values.Where(b => b.Storage == StorageKind.Arena)
                .ToDictionary(b => b.StorageName, b => (b.Type, b.Elements));
            var memory = MemoryPlanner.Plan(forward.Concat(backward).ToList(), arena, pinned);
            var blockArrays = graph.BlockArrays.Select(b => new BlockArrayDecl(b.Field, b.TypeName, b.Count)).ToImmutableArray();
            var tensors = lowering.Buffers.Values.GroupBy(b => (b.Storage, b.StorageName)).ToDictionary(g => g.Key, g => (g.First().Type, g.First().Elements));
            var loops = BlockLoops.Find(forward, backward: false, blockArrays, tensors)
                .Concat(BlockLoops.Find(backward, backward: true, blockArrays, tensors)).ToImmutableArray();

            return PlanVerifier.Verify(new ExecutionPlan(
                graph.Namespace,
                graph.Name,
                graph.Symbols.Select(s => s.Name).ToImmutableArray(),
                graph.Params.Select(p => new ParamDecl(p.Value.Name, p.HfName, p.Value.Shape, p.Init, p.InitScale, p.WeightDecay)).ToImmutableArray(),
                graph.Inputs.Select(i => new InputDecl(i.Name, i.Type, i.Shape)).ToImmutableArray(),
                memory.Buffers,
                finalizer.Kernels.Select(KernelRewrites.Apply).ToImmutableArray(),
                forward,
                backward,
                graph.Outputs.Select(o => new OutputDecl(o.Key, new TensorRef(StorageKind.Arena, o.Value.Name), o.Value.Shape)).ToImmutableArray(),
                new TensorRef(StorageKind.Arena, graph.Loss.Name),
                memory.Memory)
            {
                ConstructionSymbols = graph.Symbols.Where(s => s.FixedAtConstruction).Select(s => s.Name).ToImmutableArray(),
                Hypers = graph.Hypers.ToImmutableArray(),
                BlockArrays = blockArrays,
                Loops = loops,
                Fused = graph.Fuse,
            });
        }
    }
}
