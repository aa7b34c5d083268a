using System.Collections.Generic;

namespace Bert.Generators.Emit
{
    /// <summary>
    /// The one place that says which runtime types generated C# calls. Generated code spells them by short names
    /// (<c>Blas.Sgemm</c>, <c>ParallelRows.For</c>, <c>Philox.Uniform</c>) bound by the alias directives at the top
    /// of each generated file.
    /// </summary>
    internal static class RuntimeTargets
    {
        /// <summary>Row-major <c>Sgemm</c> and <c>SgemmStridedBatched</c>.</summary>
        public const string Blas = "global::Bert.Runtime.Cpu.Blas";

        /// <summary><c>For(int count, int minChunk, (start, end) => …)</c>.</summary>
        public const string ParallelRows = "global::Bert.Runtime.Cpu.ParallelRows";

        /// <summary><c>float Uniform(ulong seed, ulong counter)</c>.</summary>
        public const string Philox = "global::Bert.Runtime.Cpu.Philox";

        /// <summary>The using directives every generated C# file starts with.</summary>
        public static IEnumerable<string> UsingDirectives()
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
