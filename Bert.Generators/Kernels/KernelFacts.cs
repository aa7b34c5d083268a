using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Common;

namespace Bert.Generators.Kernels
{
    /// <summary>Facts about a kernel that the rewrites and the emitters read: its run-time symbols, which buffers a stage loads and stores.</summary>
    internal static class KernelFacts
    {
        /// <summary>The run-time dimensions a kernel's sizes use, sorted: they become trailing int parameters.</summary>
        public static ImmutableArray<string> Symbols(Kernel kernel)
        {
            var sizes = new List<SizeExpr>();
            if (kernel.Body is PointwiseBody p) sizes.Add(p.Count);
            if (kernel.Body is RowwiseBody r) sizes.AddRange(new[] { r.Rows, r.Cols });
            foreach (var e in BodyExprs(kernel)) ExprTree.Walk(e, x => { if (x is SizeConst c) sizes.Add(c.Size); });
            return sizes.SelectMany(s => s.Symbols).Distinct().OrderBy(s => s, StringComparer.Ordinal).ToImmutableArray();
        }

        public static bool HasReduction(Kernel kernel) =>
            kernel.Body is RowwiseBody r && r.Stages.Any(s => s is ReduceStage);

        public static bool UsesRandom(Kernel kernel) => BodyExprs(kernel).Any(e => ExprTree.Any(e, x => x is UniformExpr));

        /// <summary>Buffers a stage stores into.</summary>
        public static IEnumerable<string> Stored(RowStage stage) => stage switch
        {
            MapStage m => m.Body.OfType<StoreStmt>().Select(s => s.Buffer),
            ScalarStage s => s.RowStores.Select(st => st.Buffer),
            _ => Enumerable.Empty<string>(),
        };

        /// <summary>Buffers a stage loads from.</summary>
        public static IEnumerable<string> Loaded(RowStage stage)
        {
            var loaded = new List<string>();
            foreach (var e in StageExprs(stage)) ExprTree.Walk(e, x => { if (x is LoadExpr l) loaded.Add(l.Buffer); });
            return loaded;
        }

        public static IEnumerable<Expr> BodyExprs(Kernel kernel) => kernel.Body switch
        {
            PointwiseBody p => p.Body.SelectMany(StmtExprs),
            RowwiseBody r => r.Stages.SelectMany(StageExprs),
            _ => Enumerable.Empty<Expr>(),
        };

        static IEnumerable<Expr> StageExprs(RowStage stage) => stage switch
        {
            ReduceStage r => new[] { r.Value },
            ScalarStage s => s.Lets.Select(l => l.Value).Concat(s.RowStores.SelectMany(StmtExprs)),
            MapStage m => m.Body.SelectMany(StmtExprs),
            _ => Enumerable.Empty<Expr>(),
        };

        static IEnumerable<Expr> StmtExprs(Stmt stmt) => stmt switch
        {
            StoreStmt s => new[] { s.Index, s.Value },
            LetStmt l => new[] { l.Value },
            _ => Enumerable.Empty<Expr>(),
        };
    }
}
