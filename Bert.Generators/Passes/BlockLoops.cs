using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Common;
using Bert.Generators.Kernels;
using Bert.Generators.Plan;

namespace Bert.Generators.Passes
{
    /// <summary>
    /// Finds the runs of a step list that repeat once per block of a [Block] array (the encoder layers), so the
    /// emitters print one loop instead of a copy per layer. A block's steps are those tagged with its instance
    /// ("Encoder3"); consecutive blocks whose steps lie side by side form a loop while each one's steps are the first
    /// one's with other tensors and other scalar values in the same places (<see cref="Unifier"/>). A first block that
    /// differs from the rest in a few steps (the last layer's backward receives the heads' gradient alone, the others
    /// also their successor's) joins the loop with those steps as its own; a block that differs more is printed as it is.
    /// </summary>
    internal static class BlockLoops
    {
        /// <summary>At most this share of a body's steps may be the first iteration's own.</summary>
        const int OwnStepsPerBody = 8;

        /// <summary>The loops of <paramref name="steps"/>; <paramref name="tensors"/> gives each tensor's element type and count.</summary>
        public static IEnumerable<BlockLoop> Find(
            ImmutableArray<Step> steps, bool backward, IEnumerable<BlockArrayDecl> blocks,
            IReadOnlyDictionary<(StorageKind, string), (ScalarType Type, SizeExpr Elements)> tensors)
        {
            foreach (var block in blocks.Where(b => b.Count > 1))
            {
                var segments = Segments(steps, block);
                if (segments == null) continue;
                for (int first = 0; first < segments.Count;)
                {
                    var run = Run(steps, segments, first, tensors);
                    if (run.End - first == 1 && first + 1 < segments.Count && Adjacent(segments[first], segments[first + 1]))
                    {
                        var rest = Run(steps, segments, first + 1, tensors);
                        if (rest.Unifier.AddFirst(segments[first])) run = rest;
                    }
                    if (run.Unifier.Iterations > 1) yield return run.Unifier.Loop(block.Field, backward);
                    first = run.End;
                }
            }
        }

        /// <summary>The blocks from <paramref name="first"/> on that match it, and where they end.</summary>
        static (Unifier Unifier, int End) Run(
            ImmutableArray<Step> steps, List<Segment> segments, int first,
            IReadOnlyDictionary<(StorageKind, string), (ScalarType, SizeExpr)> tensors)
        {
            var unifier = new Unifier(steps, segments[first], tensors);
            int end = first + 1;
            while (end < segments.Count && Adjacent(segments[end - 1], segments[end]) && unifier.Add(segments[end])) end++;
            return (unifier, end);
        }

        /// <summary>One block's steps: [Start, Start + Length) of the list.</summary>
        internal sealed record Segment(int Block, int Start, int Length);

        /// <summary>Each block's steps in list order, or null when a block's steps are not contiguous (then nothing loops).</summary>
        static List<Segment>? Segments(ImmutableArray<Step> steps, BlockArrayDecl block)
        {
            var segments = new List<Segment>();
            for (int b = 0; b < block.Count; b++)
            {
                string instance = block.Field + b;
                var at = Enumerable.Range(0, steps.Length).Where(i => steps[i].Block == instance).ToList();
                if (at.Count == 0) return null;
                if (at[at.Count - 1] - at[0] + 1 != at.Count) return null;
                segments.Add(new Segment(b, at[0], at.Count));
            }
            return segments.OrderBy(s => s.Start).ToList();
        }

        /// <summary>Whether <paramref name="next"/> follows <paramref name="previous"/> directly and is the next block in the same direction.</summary>
        static bool Adjacent(Segment previous, Segment next) =>
            previous.Start + previous.Length == next.Start && System.Math.Abs(next.Block - previous.Block) == 1;

        /// <summary>
        /// Matches blocks' steps against the template block's, place by place: the same kernels, GEMM shapes and sizes;
        /// a tensor of the template must be replaced by one tensor throughout a block (of the same type and size); a
        /// scalar may take any value. Records what each block puts in each varying place.
        /// </summary>
        sealed class Unifier
        {
            readonly ImmutableArray<Step> steps;
            readonly IReadOnlyDictionary<(StorageKind, string), (ScalarType Type, SizeExpr Elements)> tensors;
            readonly Segment template;
            readonly List<Segment> members = new List<Segment>();
            /// <summary>Per member, in member order: its renaming of the template's tensors and its scalar values.</summary>
            readonly List<(Dictionary<TensorRef, TensorRef> Tensors, Dictionary<(int, string), Expr> Scalars)> bindings =
                new List<(Dictionary<TensorRef, TensorRef>, Dictionary<(int, string), Expr>)>();
            readonly List<int> firstOwn = new List<int>();

            public Unifier(ImmutableArray<Step> steps, Segment template, IReadOnlyDictionary<(StorageKind, string), (ScalarType, SizeExpr)> tensors)
            {
                this.steps = steps;
                this.tensors = tensors;
                this.template = template;
                Add(template);
            }

            public int Iterations => members.Count;

            /// <summary>Adds <paramref name="segment"/> as the next iteration if it matches the template everywhere; otherwise changes nothing.</summary>
            public bool Add(Segment segment)
            {
                if (segment.Length != template.Length || (members.Count > 1 && segment.Block - members[members.Count - 1].Block != members[1].Block - members[0].Block))
                    return false;
                var binding = (new Dictionary<TensorRef, TensorRef>(), new Dictionary<(int, string), Expr>());
                for (int i = 0; i < template.Length; i++)
                    if (!Match(i, steps[template.Start + i], steps[segment.Start + i], binding.Item1, binding.Item2)) return false;
                members.Add(segment);
                bindings.Add(binding);
                return true;
            }

            /// <summary>
            /// Adds <paramref name="segment"/>, the block before the template's, as the first iteration if it matches all but
            /// a few of the template's steps; those become its own steps. Needs at least one other iteration to follow it.
            /// </summary>
            public bool AddFirst(Segment segment)
            {
                if (segment.Length != template.Length || firstOwn.Count > 0) return false;
                var binding = (new Dictionary<TensorRef, TensorRef>(), new Dictionary<(int, string), Expr>());
                var own = new List<int>();
                for (int i = 0; i < template.Length; i++)
                {
                    var tried = (new Dictionary<TensorRef, TensorRef>(binding.Item1), new Dictionary<(int, string), Expr>(binding.Item2));
                    if (Match(i, steps[template.Start + i], steps[segment.Start + i], tried.Item1, tried.Item2)) binding = tried;
                    else own.Add(i);
                }
                if (own.Count * OwnStepsPerBody > template.Length) return false;
                members.Insert(0, segment);
                bindings.Insert(0, binding);
                firstOwn.AddRange(own);
                return true;
            }

            public BlockLoop Loop(string field, bool backward)
            {
                var tensorKeys = bindings.SelectMany(b => b.Tensors.Keys).Distinct().ToList();
                var loopTensors = tensorKeys
                    .Select(key => new LoopTensor(key, bindings.Select(b => b.Tensors.TryGetValue(key, out var t) ? t : null).ToImmutableArray()))
                    .Where(t => t.ByIteration.Any(v => v != null && v != t.Body)).ToImmutableArray();
                var scalarKeys = bindings.SelectMany(b => b.Scalars.Keys).Distinct()
                    .OrderBy(k => k.Item1).ThenBy(k => k.Item2, System.StringComparer.Ordinal).ToList();
                var loopScalars = scalarKeys
                    .Select(key => new LoopScalar(key.Item1, key.Item2, bindings.Select(b => b.Scalars.TryGetValue(key, out var e) ? e : null).ToImmutableArray()))
                    .Where(s => s.ByIteration.Where(v => v != null).Distinct().Count() > 1).ToImmutableArray();
                return new BlockLoop(field, backward, members[0].Start, template.Length, members.Select(m => m.Block).ToImmutableArray(),
                    members.IndexOf(template), firstOwn.ToImmutableArray(), loopTensors, loopScalars);
            }

            bool Match(int index, Step a, Step b, Dictionary<TensorRef, TensorRef> renaming, Dictionary<(int, string), Expr> scalars)
            {
                switch (a, b)
                {
                    case (KernelStep x, KernelStep y):
                        if (x.Kernel != y.Kernel || !x.SourceOps.SequenceEqual(y.SourceOps) || !x.ZeroFirst.SequenceEqual(y.ZeroFirst)) return false;
                        if (x.Buffers.Count != y.Buffers.Count || x.Scalars.Count != y.Scalars.Count) return false;
                        // In name order: the buffers' hash order differs from run to run, and the renaming's order names the table's members.
                        foreach (var buffer in x.Buffers.OrderBy(b => b.Key, System.StringComparer.Ordinal))
                            if (!y.Buffers.TryGetValue(buffer.Key, out var other) || !Rename(buffer.Value, other, renaming)) return false;
                        foreach (var scalar in x.Scalars)
                        {
                            if (!y.Scalars.TryGetValue(scalar.Key, out var value)) return false;
                            scalars[(index, scalar.Key)] = value;
                        }
                        return true;
                    case (GemmStep x, GemmStep y):
                        return x == y with { A = x.A, B = x.B, C = x.C, Block = x.Block }
                            && Rename(x.A, y.A, renaming) && Rename(x.B, y.B, renaming) && Rename(x.C, y.C, renaming);
                    case (ZeroStep x, ZeroStep y):
                        return x.Elements.Equals(y.Elements) && Rename(x.Tensor, y.Tensor, renaming);
                    default:
                        return false;
                }
            }

            /// <summary>Records that this block names <paramref name="b"/> where the first names <paramref name="a"/>; false when that contradicts an earlier place.</summary>
            bool Rename(TensorRef a, TensorRef b, Dictionary<TensorRef, TensorRef> renaming)
            {
                if (renaming.TryGetValue(a, out var earlier)) return earlier == b;
                if (a.Storage != b.Storage || !Equals(a.ElementOffset, b.ElementOffset)) return false;
                if (a != b && !tensors[(a.Storage, a.Name)].Equals(tensors[(b.Storage, b.Name)])) return false;
                renaming[a] = b;
                return true;
            }
        }
    }
}
