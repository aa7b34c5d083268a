using System.Collections.Generic;
using System.Linq;
using Bert.Generators.Common;
using Bert.Generators.Graph;
using Bert.Generators.Graph.Ops;
using Bert.Generators.Kernels;
using Bert.Generators.Plan;

namespace Bert.Generators.Passes
{
    /// <summary>A tensor a lowered step reads or writes, keyed by a model-unique name.</summary>
    internal sealed record BufferInfo(string Key, string LocalName, StorageKind Storage, string StorageName, ScalarType Type, SizeExpr Elements);

    /// <summary>One step of the lowered program, before kernels are named and deduplicated.</summary>
    internal abstract class LoweredStep
    {
        protected LoweredStep(Node origin)
        {
            Scope = origin.Scope;
            Instance = origin.Prefix.TrimEnd('_');
            Backward = origin.Op.IsGradient || origin.ParamGrad != null || origin.Label.Contains(" backward");
            SourceOps.Add(origin.Label);
            Words.Add(origin.Op.Word(origin));
        }

        public string Scope { get; }
        /// <summary>The block instance ("Encoder0") or "" for the model.</summary>
        public string Instance { get; }
        public bool Backward { get; }
        /// <summary>Labels of the declaration ops this step computes (the "// Fuses:" comment).</summary>
        public List<string> SourceOps { get; } = new List<string>();
        /// <summary>Words the kernel name is built from, in op order (e.g. Bias, Dropout, Residual, LayerNorm).</summary>
        public List<string> Words { get; } = new List<string>();
    }

    internal sealed class LoweredGemm : LoweredStep
    {
        public LoweredGemm(Node origin, GemmShape shape, string a, string b, string c, bool accumulate) : base(origin)
        {
            Shape = shape;
            A = a;
            B = b;
            C = c;
            Accumulate = accumulate;
        }

        public GemmShape Shape { get; }
        public string A { get; }
        public string B { get; }
        public string C { get; }
        /// <summary>β = 1: add into C (parameter gradients).</summary>
        public bool Accumulate { get; }
    }

    internal sealed class LoopKernel : LoweredStep, IKernelStep
    {
        public LoopKernel(Node origin, KernelBody body) : base(origin) => Body = body;

        public KernelBody Body { get; set; }
        public Dictionary<string, ScalarBinding> Scalars { get; } = new Dictionary<string, ScalarBinding>();
        /// <summary>Buffers set to zero before the kernel runs (scatter-add targets).</summary>
        public List<string> ZeroFirst { get; } = new List<string>();

        public IEnumerable<Expr> Exprs => KernelWalk.Exprs(Body);

        public HashSet<string> Loaded()
        {
            var loaded = new HashSet<string>();
            foreach (var e in Exprs) ExprTree.Walk(e, x => { if (x is LoadExpr l) loaded.Add(l.Buffer); });
            return loaded;
        }

        public HashSet<string> Stored() => new HashSet<string>(KernelWalk.Stores(Body).Select(s => s.Buffer));
    }

    /// <summary>Walks the statements and expressions of a kernel body.</summary>
    internal static class KernelWalk
    {
        public static IEnumerable<Stmt> Statements(KernelBody body)
        {
            if (body is PointwiseBody p) return p.Body;
            return ((RowwiseBody)body).Stages.SelectMany(StageStatements);
        }

        static IEnumerable<Stmt> StageStatements(RowStage stage) => stage switch
        {
            MapStage m => m.Body,
            ScalarStage s => s.Lets.Cast<Stmt>().Concat(s.RowStores),
            _ => Enumerable.Empty<Stmt>(),
        };

        public static IEnumerable<StoreStmt> Stores(KernelBody body) => Statements(body).OfType<StoreStmt>();

        public static IEnumerable<Expr> Exprs(KernelBody body)
        {
            foreach (var s in Statements(body))
            {
                if (s is StoreStmt st) { yield return st.Index; yield return st.Value; }
                else if (s is LetStmt let) yield return let.Value;
            }
            if (body is RowwiseBody r)
                foreach (var reduce in r.Stages.OfType<ReduceStage>()) yield return reduce.Value;
        }

        /// <summary>Applies <paramref name="rewrite"/> to every expression of a body.</summary>
        public static KernelBody Rewrite(KernelBody body, System.Func<Expr, Expr> rewrite)
        {
            Stmt R(Stmt s) => s switch
            {
                StoreStmt st => st with { Index = rewrite(st.Index), Value = rewrite(st.Value) },
                LetStmt let => let with { Value = rewrite(let.Value) },
                _ => s,
            };
            if (body is PointwiseBody p) return p with { Body = p.Body.Select(R).ToImmutableArrayList() };
            var r = (RowwiseBody)body;
            return r with
            {
                Stages = r.Stages.Select(stage => stage switch
                {
                    MapStage m => (RowStage)new MapStage(m.Body.Select(R).ToImmutableArrayList()),
                    ScalarStage s => new ScalarStage(s.Lets.Select(l => (LetStmt)R(l)).ToImmutableArrayList(), s.RowStores.Select(st => (StoreStmt)R(st)).ToImmutableArrayList()),
                    ReduceStage red => red with { Value = rewrite(red.Value) },
                    _ => stage,
                }).ToImmutableArrayList(),
            };
        }

        public static System.Collections.Immutable.ImmutableArray<T> ToImmutableArrayList<T>(this IEnumerable<T> items) =>
            System.Collections.Immutable.ImmutableArray.CreateRange(items);
    }
}
