using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Kernels;
using Bert.Generators.Plan;
using static Bert.Generators.Kernels.Ex;

namespace Bert.Generators.Passes
{
    /// <summary>
    /// Fuses loop kernels by expression substitution, tinygrad style, until nothing changes (epilogues first,
    /// so a row kernel keeps the pointwise ops that follow it, e.g. dropout backward after LayerNorm backward):
    /// <list type="bullet">
    /// <item>Producer inlining: a pointwise kernel <c>v[i] = E(i)</c> is folded into the first kernel that reads
    /// v (every <c>v[k]</c> there becomes <c>E(k)</c>). If later kernels read v too, the consumer also stores v,
    /// which it can when it walks v's elements in order (e.g. dropout + residual add stored by the LayerNorm
    /// that normalizes them, since LayerNorm backward reads the sum).</item>
    /// <item>Epilogue merging: a pointwise kernel that reads a row kernel's output element-for-element runs
    /// inside that row kernel's last map stage (e.g. attention dropout after the softmax).</item>
    /// </list>
    /// GEMMs stay library calls: a pointwise producer of a GEMM operand is never inlined.
    /// </summary>
    internal static class Fusion
    {
        public static void Run(List<LoweredStep> steps, IReadOnlyDictionary<string, BufferInfo> buffers, ISet<string> pinned)
        {
            while (MergeEpilogue(steps, buffers, pinned) || InlineProducer(steps, buffers, pinned)) { }
        }

        static IEnumerable<string> Reads(LoweredStep step) =>
            step is LoweredGemm g ? new[] { g.A, g.B }.Concat(g.Accumulate ? new[] { g.C } : new string[0]) : ((LoopKernel)step).Loaded();

        /// <summary>The single store <c>v[i] = E</c> of a plain pointwise kernel into an arena buffer, or null.</summary>
        static StoreStmt? PlainPointwise(LoweredStep step, IReadOnlyDictionary<string, BufferInfo> buffers, ISet<string> pinned)
        {
            if (!(step is LoopKernel k) || !(k.Body is PointwiseBody p) || k.ZeroFirst.Count > 0 || p.Body.Length != 1) return null;
            if (!(p.Body[0] is StoreStmt store) || store.Accumulate || !(store.Index is VarExpr { Name: "i" })) return null;
            return buffers[store.Buffer].Storage == StorageKind.Arena ? store : null;
        }

        static bool InlineProducer(List<LoweredStep> steps, IReadOnlyDictionary<string, BufferInfo> buffers, ISet<string> pinned)
        {
            for (int p = 0; p < steps.Count; p++)
            {
                var store = PlainPointwise(steps[p], buffers, pinned);
                if (store == null) continue;
                var readers = Enumerable.Range(p + 1, steps.Count - p - 1).Where(s => Reads(steps[s]).Contains(store.Buffer)).ToList();
                if (readers.Count == 0 || !(steps[readers[0]] is LoopKernel consumer)) continue;
                var producer = (LoopKernel)steps[p];
                var count = ((PointwiseBody)producer.Body).Count;
                // Outputs stay materialized: the consumer stores them.
                bool keepStore = readers.Count > 1 || pinned.Contains(store.Buffer);
                if (keepStore && !CanStoreAligned(consumer, count)) continue;

                MergeScalars(producer, consumer);
                var value = ((StoreStmt)((PointwiseBody)producer.Body).Body[0]).Value;
                var body = KernelWalk.Rewrite(consumer.Body, e => Rewrite(e, x => x is LoadExpr l && l.Buffer == store.Buffer ? Substitute(value, "i", l.Index) : null));
                consumer.Body = keepStore ? WithAlignedStore(body, store.Buffer, value) : body;
                Absorb(consumer, producer, first: true);
                steps.RemoveAt(p);
                return true;
            }
            return false;
        }

        /// <summary>Whether the kernel walks exactly <paramref name="count"/> elements in order (i, or row·cols + j).</summary>
        static bool CanStoreAligned(LoopKernel kernel, Common.SizeExpr count) => kernel.ZeroFirst.Count == 0 && kernel.Body switch
        {
            PointwiseBody p => p.Count.Equals(count),
            RowwiseBody r => !r.RowsMayCollide && (r.Rows * r.Cols).Equals(count),
            _ => false,
        };

        static KernelBody WithAlignedStore(KernelBody body, string buffer, Expr value)
        {
            if (body is PointwiseBody p) return p with { Body = p.Body.Insert(0, new StoreStmt(buffer, I, value)) };
            var r = (RowwiseBody)body;
            var at = MulAdd(Row, r.Cols, J);
            var stored = new StoreStmt(buffer, at, Substitute(value, "i", at));
            if (r.Stages.LastOrDefault() is MapStage last)
                return r with { Stages = r.Stages.SetItem(r.Stages.Length - 1, new MapStage(last.Body.Add(stored))) };
            return r with { Stages = r.Stages.Add(new MapStage(List<Stmt>(stored))) };
        }

        static bool MergeEpilogue(List<LoweredStep> steps, IReadOnlyDictionary<string, BufferInfo> buffers, ISet<string> pinned)
        {
            for (int c = 0; c < steps.Count; c++)
            {
                if (!(steps[c] is LoopKernel consumer) || !(consumer.Body is PointwiseBody body) || consumer.ZeroFirst.Count > 0) continue;
                var loads = consumer.Loaded();
                for (int r = c - 1; r >= 0; r--)
                {
                    if (!(steps[r] is LoopKernel producer) || !(producer.Body is RowwiseBody rows) || rows.RowsMayCollide) continue;
                    if (producer.Backward != consumer.Backward || !(rows.Stages.LastOrDefault() is MapStage map)) continue;
                    if (!(rows.Rows * rows.Cols).Equals(body.Count)) continue;
                    var at = MulAdd(Row, rows.Cols, J);
                    var stored = map.Body.OfType<StoreStmt>().FirstOrDefault(s => !s.Accumulate && loads.Contains(s.Buffer) && s.Index.Equals(at));
                    if (stored == null || !OnlyLoadedAtI(consumer, stored.Buffer)) continue;
                    // Every other input of the consumer must already exist where the row kernel runs.
                    var produced = new HashSet<string>(steps.Skip(r).Take(c - r).SelectMany(Writes));
                    if (loads.Any(b => b != stored.Buffer && produced.Contains(b))) continue;

                    MergeScalars(consumer, producer);
                    var moved = body.Body.Select(s => Rewrite(Rewrite(s, x => x is LoadExpr l && l.Buffer == stored.Buffer ? stored.Value : null), x => x is VarExpr { Name: "i" } ? at : null));
                    bool stillRead = pinned.Contains(stored.Buffer) ||
                        steps.Where((s, i) => i != c && i != r).Any(s => Reads(s).Contains(stored.Buffer));
                    var kept = stillRead ? map.Body : map.Body.Remove(stored);
                    producer.Body = rows with { Stages = rows.Stages.SetItem(rows.Stages.Length - 1, new MapStage(kept.AddRange(moved))) };
                    Absorb(producer, consumer, first: false);
                    steps.RemoveAt(c);
                    return true;
                }
            }
            return false;
        }

        static IEnumerable<string> Writes(LoweredStep step) =>
            step is LoweredGemm g ? new[] { g.C } : (IEnumerable<string>)((LoopKernel)step).Stored();

        static bool OnlyLoadedAtI(LoopKernel kernel, string buffer)
        {
            bool aligned = true;
            foreach (var e in kernel.Exprs) ExprTree.Walk(e, x => { if (x is LoadExpr l && l.Buffer == buffer && !(l.Index is VarExpr { Name: "i" })) aligned = false; });
            return aligned;
        }

        /// <summary>Moves the scalars of <paramref name="from"/> into <paramref name="into"/>, renaming clashes (two dropout sites' p).</summary>
        static void MergeScalars(LoopKernel from, LoopKernel into)
        {
            foreach (var pair in from.Scalars.ToList())
            {
                if (!into.Scalars.TryGetValue(pair.Key, out var existing)) { into.Scalars[pair.Key] = pair.Value; continue; }
                if (existing.Equals(pair.Value)) continue;
                int n = 2;
                while (into.Scalars.ContainsKey(pair.Key + n) || from.Scalars.ContainsKey(pair.Key + n)) n++;
                string renamed = pair.Key + n;
                from.Body = KernelWalk.Rewrite(from.Body, e => Substitute(e, pair.Key, V(renamed)));
                into.Scalars[renamed] = pair.Value;
            }
        }

        static void Absorb(LoweredStep into, LoweredStep from, bool first)
        {
            into.SourceOps.InsertRange(first ? 0 : into.SourceOps.Count, from.SourceOps);
            into.Words.InsertRange(first ? 0 : into.Words.Count, from.Words);
        }
    }
}
