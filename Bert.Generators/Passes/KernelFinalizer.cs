using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Kernels;
using Bert.Generators.Plan;

namespace Bert.Generators.Passes
{
    /// <summary>
    /// Turns lowered steps into plan steps: each loop kernel gets argument names taken from the source
    /// (q, x, d_x, QueryBias…), a name after the model (Encoder_BiasDropoutResidualLayerNorm), and kernels
    /// that are structurally identical (the same op in every layer) become one kernel launched with
    /// different bindings.
    /// </summary>
    internal sealed class KernelFinalizer
    {
        readonly IReadOnlyDictionary<string, BufferInfo> buffers;
        readonly Dictionary<string, string> structureByName = new Dictionary<string, string>();

        public KernelFinalizer(IReadOnlyDictionary<string, BufferInfo> buffers) => this.buffers = buffers;

        public List<Kernel> Kernels { get; } = new List<Kernel>();

        public TensorRef Ref(string key) => new TensorRef(buffers[key].Storage, buffers[key].StorageName);

        /// <summary>A loop kernel with kernel-local buffer names, before kernels are shared.</summary>
        sealed record Prepared(LoopKernel Source, Kernel Kernel, ImmutableArray<string> Keys, string Positional);

        /// <summary>Plan steps for <paramref name="steps"/>, in order; fills <see cref="Kernels"/>.</summary>
        public List<Step> Finalize(IReadOnlyList<LoweredStep> steps)
        {
            var prepared = steps.Select(s => s is LoopKernel k ? Prepare(k) : null).ToList();
            var groups = prepared.Where(p => p != null).GroupBy(p => p!.Positional).ToDictionary(g => g.Key, g => Share(g.ToList()!));
            return steps.Select((s, i) => s is LoweredGemm g ? Gemm(g) : Launch(prepared[i]!, groups[prepared[i]!.Positional])).ToList();
        }

        Step Gemm(LoweredGemm g)
        {
            var s = g.Shape;
            var lda = s.TransA ? s.M : s.K;
            var ldb = s.TransB ? s.K : s.N;
            return new GemmStep(string.Join(", ", g.SourceOps) + ": " + buffers[g.C].LocalName,
                s.TransA, s.TransB, s.M, s.N, s.K, s.Alpha,
                Ref(g.A), lda, s.M * s.K,
                Ref(g.B), ldb, s.K * s.N,
                g.Accumulate ? 1f : 0f,
                Ref(g.C), s.N, s.M * s.N,
                s.Batch) { Block = g.Instance };
        }

        Prepared Prepare(LoopKernel k)
        {
            var keys = OrderedBuffers(k);
            var loaded = k.Loaded();
            var stores = KernelWalk.Stores(k.Body).ToList();
            var kernelBuffers = keys.Select((key, n) => new KernelBuffer("#" + n, buffers[key].Type,
                !stores.Any(s => s.Buffer == key) ? BufferAccess.Read
                : loaded.Contains(key) || stores.Any(s => s.Buffer == key && s.Accumulate) ? BufferAccess.ReadWrite
                : BufferAccess.Write)).ToImmutableArray();
            var positional = keys.Select((key, n) => (key, n)).ToDictionary(p => p.key, p => "#" + p.n);
            var body = KernelWalk.Rewrite(RenameStores(k.Body, positional), e => Ex.RenameBuffers(e, positional));
            var scalars = k.Scalars.OrderBy(s => s.Key, System.StringComparer.Ordinal).Select(s => new KernelScalar(s.Key, s.Value.Type)).ToImmutableArray();
            var kernel = new Kernel("", k.SourceOps.ToImmutableArray(), kernelBuffers, scalars, body);
            return new Prepared(k, kernel, keys.ToImmutableArray(), PlanPrinter.Kernel(kernel, withName: false));
        }

        /// <summary>
        /// One kernel for a group of structurally identical launches. A buffer keeps its source name when every
        /// launch agrees on it (x, gamma of the same layer op); otherwise it takes their common suffix
        /// (QueryBias, KeyBias → bias) or a neutral input/output name.
        /// </summary>
        Kernel Share(List<Prepared> group)
        {
            var first = group[0];
            var reserved = new HashSet<string>(ReservedNames(first.Source));
            var names = new string[first.Keys.Length];
            for (int n = 0; n < names.Length; n++)
            {
                var candidates = group.Select(p => Identifier(buffers[p.Keys[n]].LocalName)).Distinct().ToList();
                string name = candidates.Count == 1 ? candidates[0] : CommonSuffix(candidates)
                    ?? (first.Kernel.Buffers[n].Access == BufferAccess.Read ? "input" : "output");
                while (reserved.Contains(name) || names.Contains(name)) name = Bump(name);
                names[n] = name;
            }
            var rename = names.Select((name, n) => (name, n)).ToDictionary(p => "#" + p.n, p => p.name);
            var kernel = first.Kernel with
            {
                Name = UniqueName(first.Source, first.Positional),
                SourceOps = MergedSourceOps(group.Select(p => p.Kernel.SourceOps).ToList()),
                Buffers = first.Kernel.Buffers.Select((b, n) => b with { Name = names[n] }).ToImmutableArray(),
                Body = KernelWalk.Rewrite(RenameStores(first.Kernel.Body, rename), e => Ex.RenameBuffers(e, rename)),
            };
            Kernels.Add(kernel);
            return kernel;
        }

        /// <summary>
        /// The source ops of a shared kernel: each op once, with the lines of every launch that uses it
        /// ("Dense (EncoderBlock.cs:43, 44, 45)" for the query, key and value projections; "SplitHeads (EncoderBlock.cs:46,
        /// 47, 48) or MergeHeads backward (EncoderBlock.cs:51)" where different ops share the kernel). Launches with
        /// different numbers of ops keep the first one's list.
        /// </summary>
        static ImmutableArray<string> MergedSourceOps(List<ImmutableArray<string>> launches)
        {
            var first = launches[0];
            if (launches.Any(l => l.Length != first.Length)) return first;
            var merged = ImmutableArray.CreateBuilder<string>(first.Length);
            for (int i = 0; i < first.Length; i++)
            {
                var variants = new List<(string Op, List<string> Lines)>();
                foreach (var label in launches.Select(l => l[i]))
                {
                    var site = SourceSite.Match(label);
                    string op = site.Success ? $"{site.Groups[1].Value} ({site.Groups[2].Value}:" : label;
                    var variant = variants.FirstOrDefault(v => v.Op == op);
                    if (variant.Lines is null) variants.Add(variant = (op, new List<string>()));
                    if (site.Success && !variant.Lines.Contains(site.Groups[3].Value)) variant.Lines.Add(site.Groups[3].Value);
                }
                merged.Add(string.Join(" or ", variants.Select(v => v.Lines.Count == 0 ? v.Op : v.Op + string.Join(", ", v.Lines.OrderBy(int.Parse)) + ")")));
            }
            return merged.MoveToImmutable();
        }

        /// <summary>An op label with its source line: "Dense (EncoderBlock.cs:43)" → op, file, line.</summary>
        static readonly System.Text.RegularExpressions.Regex SourceSite = new(@"^(.*) \(([^():]+):(\d+)\)$");

        static string? CommonSuffix(List<string> names)
        {
            var words = names.Select(Words).ToList();
            var common = new List<string>();
            for (int k = 1; words.All(w => w.Count >= k) && words.All(w => w[w.Count - k] == words[0][words[0].Count - k]); k++)
                common.Insert(0, words[0][words[0].Count - k]);
            if (common.Count == 0) return null;
            string joined = string.Concat(common);
            return char.ToLowerInvariant(joined[0]) + joined.Substring(1);
        }

        /// <summary>CamelCase words of an identifier ("d_QueryBias" → d_, Query, Bias).</summary>
        static List<string> Words(string name)
        {
            var words = new List<string>();
            int start = 0;
            for (int c = 1; c <= name.Length; c++)
                if (c == name.Length || (char.IsUpper(name[c]) && !char.IsUpper(name[c - 1])) || char.IsDigit(name[c]) != char.IsDigit(name[c - 1]))
                {
                    words.Add(name.Substring(start, c - start));
                    start = c;
                }
            return words;
        }

        Step Launch(Prepared p, Kernel kernel) =>
            new KernelStep(kernel.Name,
                p.Keys.Select((key, n) => (key, n)).ToImmutableDictionary(b => kernel.Buffers[b.n].Name, b => Ref(b.key)),
                p.Source.Scalars.ToImmutableDictionary(s => s.Key, s => s.Value.Value))
            {
                Block = p.Source.Instance,
                SourceOps = p.Source.SourceOps.ToImmutableArray(),
                ZeroFirst = p.Source.ZeroFirst.Select(key => kernel.Buffers[p.Keys.IndexOf(key)].Name).ToImmutableArray(),
            };

        /// <summary>Buffers in order of first appearance: loaded ones first, then the ones only written.</summary>
        static List<string> OrderedBuffers(LoopKernel k)
        {
            var order = new List<string>();
            foreach (var e in k.Exprs) ExprTree.Walk(e, x => { if (x is LoadExpr l && !order.Contains(l.Buffer)) order.Add(l.Buffer); });
            foreach (var s in KernelWalk.Stores(k.Body)) if (!order.Contains(s.Buffer)) order.Add(s.Buffer);
            return order;
        }

        static IEnumerable<string> ReservedNames(LoopKernel k)
        {
            yield return "i";
            yield return "j";
            yield return "row";
            foreach (var s in k.Scalars.Keys) yield return s;
            foreach (var let in KernelWalk.Statements(k.Body).OfType<LetStmt>()) yield return let.Name;
            if (k.Body is RowwiseBody r)
                foreach (var reduce in r.Stages.OfType<ReduceStage>()) yield return reduce.Result;
        }

        static KernelBody RenameStores(KernelBody body, IReadOnlyDictionary<string, string> names)
        {
            Stmt Rename(Stmt s) => s is StoreStmt st ? st with { Buffer = names[st.Buffer] } : s;
            if (body is PointwiseBody p) return p with { Body = p.Body.Select(Rename).ToImmutableArray() };
            var r = (RowwiseBody)body;
            return r with
            {
                Stages = r.Stages.Select(stage => stage switch
                {
                    MapStage m => new MapStage(m.Body.Select(Rename).ToImmutableArray()),
                    ScalarStage sc => new ScalarStage(sc.Lets, sc.RowStores.Select(st => (StoreStmt)Rename(st)).ToImmutableArray()),
                    _ => stage,
                }).ToImmutableArray(),
            };
        }

        static string Identifier(string name)
        {
            var chars = name.Select(c => char.IsLetterOrDigit(c) || c == '_' ? c : '_').ToArray();
            string id = new string(chars);
            return id.Length == 0 || char.IsDigit(id[0]) ? "_" + id : id;
        }

        static string Bump(string name)
        {
            int digits = name.Length;
            while (digits > 0 && char.IsDigit(name[digits - 1])) digits--;
            int n = digits < name.Length ? int.Parse(name.Substring(digits), System.Globalization.CultureInfo.InvariantCulture) + 1 : 2;
            return name.Substring(0, digits) + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <summary>Scope_Words[Backward], with a number appended when a different kernel already has the name.</summary>
        string UniqueName(LoopKernel k, string structure)
        {
            var words = k.Words.Distinct().ToList();
            string name = Identifier(k.Scope) + "_" + string.Concat(words) + (k.Backward && !words.Contains("LossGradient") ? "Backward" : "");
            string candidate = name;
            for (int n = 2; structureByName.ContainsKey(candidate); n++) candidate = name + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            structureByName[candidate] = structure;
            return candidate;
        }
    }
}
