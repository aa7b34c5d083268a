using System.Collections.Generic;

namespace Bert.Generators.Emit
{
    /// <summary>
    /// The one place that says which runtime types generated C# calls. Generated code spells them by short names
    /// (<c>Blas.Sgemm</c>, <c>ParallelRows.For</c>, <c>Philox.Uniform</c>) bound by the alias directives at the top
    /// of each generated file, so a test can point them at reference implementations.
    /// </summary>
    internal sealed class RuntimeTargets
    {
        public static readonly RuntimeTargets Default = new RuntimeTargets(
            blas: "global::Bert.Runtime.Cpu.Blas",
            parallelRows: "global::Bert.Runtime.Cpu.ParallelRows",
            philox: "global::Bert.Runtime.Cpu.Philox");

        public RuntimeTargets(string blas, string parallelRows, string philox)
        {
            Blas = blas;
            ParallelRows = parallelRows;
            Philox = philox;
        }

        /// <summary>Row-major <c>Sgemm</c> and <c>SgemmStridedBatched</c>.</summary>
        public string Blas { get; }

        /// <summary><c>For(int count, int minChunk, (start, end) => …)</c>.</summary>
        public string ParallelRows { get; }

        /// <summary><c>float Uniform(ulong seed, ulong counter)</c>.</summary>
        public string Philox { get; }

        /// <summary>The using directives every generated C# file starts with.</summary>
        public IEnumerable<string> UsingDirectives()
        {
            yield return "using System;";
            yield return "using System.Runtime.Intrinsics;";
            yield return "using global::Bert.Runtime.Execution;";
            yield return $"using Blas = {Blas};";
            yield return $"using ParallelRows = {ParallelRows};";
            yield return $"using Philox = {Philox};";
        }
    }
}
