using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Common;
using Bert.Generators.Kernels;
using Bert.Generators.Plan;

namespace Bert.Generators.Passes
{
    /// <summary>
    /// Static arena planning: each arena buffer lives from the first step that touches it to the last (outputs
    /// and the loss to the end, so the caller can read them after Backward); buffers are assigned greedily, in
    /// order of first use, to a slot whose previous members are all dead. A slot's size is the largest of its
    /// members, so the arena is Σ over slots of a max of symbolic sizes.
    /// </summary>
    internal static class MemoryPlanner
    {
        public sealed record Result(ImmutableArray<BufferDecl> Buffers, MemoryPlan Memory);

        public static Result Plan(IReadOnlyList<Step> program, IReadOnlyDictionary<string, (ScalarType Type, SizeExpr Elements)> arena, ISet<string> pinned)
        {
            var first = new Dictionary<string, int>();
            var last = new Dictionary<string, int>();
            for (int s = 0; s < program.Count; s++)
                foreach (var name in ArenaNames(program[s]))
                {
                    if (!first.ContainsKey(name)) first[name] = s;
                    last[name] = pinned.Contains(name) ? int.MaxValue : s;
                }

            var slotEnds = new List<int>();
            var slotMembers = new List<List<SizeExpr>>();
            var decls = ImmutableArray.CreateBuilder<BufferDecl>();
            // By first use, then by name: step buffers come from a dictionary whose order is not stable across processes.
            foreach (var name in first.Keys.OrderBy(n => first[n]).ThenBy(n => n, StringComparer.Ordinal))
            {
                var size = arena[name].Elements;
                var free = Enumerable.Range(0, slotEnds.Count).Where(s => slotEnds[s] < first[name]).ToList();
                int slot = free.Cast<int?>().FirstOrDefault(s => slotMembers[s!.Value].Contains(size))
                    ?? free.Cast<int?>().FirstOrDefault(s => slotMembers[s!.Value].All(m => m.Symbols.SequenceEqual(size.Symbols)))
                    ?? (free.Count > 0 ? free[0] : -1);
                if (slot < 0)
                {
                    slot = slotEnds.Count;
                    slotEnds.Add(0);
                    slotMembers.Add(new List<SizeExpr>());
                }
                slotEnds[slot] = last[name];
                slotMembers[slot].Add(size);
                decls.Add(new BufferDecl(name, arena[name].Type, size, slot));
            }
            return new Result(decls.ToImmutable(), new MemoryPlan(slotMembers.Select(m => m.ToImmutableArray()).ToImmutableArray()));
        }

        public static IEnumerable<string> ArenaNames(Step step)
        {
            return step.Tensors().Where(r => r.Storage == StorageKind.Arena).Select(r => r.Name).Distinct();
        }
    }
}
