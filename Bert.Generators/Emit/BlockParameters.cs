using System.Collections.Generic;
using System.Linq;
using Bert.Generators.Plan;

namespace Bert.Generators.Emit
{
    /// <summary>
    /// The parameter list in runs for the spec table: a parameter of the model's own, or the parameters of every block of a
    /// [Block] array at once, when each block declares the same ones (names and Hugging Face names that differ only in the
    /// block index), so the table lists one block's with <c>{layer}</c> in their names.
    /// </summary>
    internal static class BlockParameters
    {
        /// <summary>A run: one parameter (<paramref name="Count"/> 0), or block 0's parameters of <paramref name="Field"/>, repeated for <paramref name="Count"/> blocks.</summary>
        internal sealed record Run(string Field, int Count, IReadOnlyList<ParamDecl> Parameters, IReadOnlyList<string> Names, IReadOnlyList<string> HfNames);

        public static IEnumerable<Run> Of(ExecutionPlan plan)
        {
            var parameters = plan.Params;
            for (int i = 0; i < parameters.Length;)
            {
                var run = plan.BlockArrays.Select(block => Repeated(parameters, i, block)).FirstOrDefault(r => r != null);
                if (run != null)
                {
                    yield return run;
                    i += run.Parameters.Count * run.Count;
                    continue;
                }
                yield return new Run("", 0, new[] { parameters[i] }, new[] { parameters[i].Name }, new[] { parameters[i].HfName });
                i++;
            }
        }

        /// <summary>The run of <paramref name="block"/>'s parameters starting at <paramref name="start"/>, or null when they do not start there or differ between blocks.</summary>
        static Run? Repeated(IReadOnlyList<ParamDecl> parameters, int start, BlockArrayDecl block)
        {
            string Prefix(int index) => $"{block.Field}[{index}].";
            int length = 0;
            while (start + length < parameters.Count && parameters[start + length].Name.StartsWith(Prefix(0), System.StringComparison.Ordinal)) length++;
            if (length == 0 || block.Count < 2 || start + length * block.Count > parameters.Count) return null;

            var names = new List<string>();
            var hfNames = new List<string>();
            for (int p = 0; p < length; p++)
            {
                var first = parameters[start + p];
                string? hf = Template(first.HfName, parameters[start + length + p].HfName);
                if (hf == null) return null;
                names.Add($"{block.Field}[{{layer}}]." + first.Name.Substring(Prefix(0).Length));
                hfNames.Add(hf);
                for (int b = 1; b < block.Count; b++)
                {
                    var other = parameters[start + b * length + p];
                    if (other.Name != Prefix(b) + first.Name.Substring(Prefix(0).Length) || other.HfName != hf.Replace("{layer}", b.ToString())
                        || !other.Shape.SequenceEqual(first.Shape) || other.Init != first.Init || other.InitScale != first.InitScale || other.WeightDecay != first.WeightDecay)
                        return null;
                }
            }
            return new Run(block.Field, block.Count, parameters.Skip(start).Take(length).ToList(), names, hfNames);
        }

        /// <summary>Block 0's name with <c>{layer}</c> where block 1's differs from it (one number: 0 against 1), or null.</summary>
        static string? Template(string block0, string block1)
        {
            if (block0.IndexOfAny(new[] { '{', '}', '"', '\\' }) >= 0) return null;
            int at = 0;
            while (at < block0.Length && at < block1.Length && block0[at] == block1[at]) at++;
            if (at >= block0.Length || block0[at] != '0' || at >= block1.Length || block1[at] != '1') return null;
            if (block0.Substring(at + 1) != block1.Substring(at + 1)) return null;
            return block0.Substring(0, at) + "{layer}" + block0.Substring(at + 1);
        }
    }
}
