using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace Bert.Generators.Graph.Ops
{
    /// <summary>Every op of this assembly (each <see cref="Op"/> subclass's <c>Instance</c>), and which builds each <c>Bert.Graph.Ops</c> call.</summary>
    internal static class OpCalls
    {
        /// <summary>All ops, forward and backward.</summary>
        public static IReadOnlyList<Op> All { get; } = typeof(Op).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(Op).IsAssignableFrom(t))
            .OrderBy(t => t.Name, System.StringComparer.Ordinal)
            .Select(t => (Op)t.GetField("Instance", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!)
            .ToList();

        static readonly Dictionary<string, Op> ByCall = All.SelectMany(op => op.Calls.Select(call => (call, op))).ToDictionary(p => p.call, p => p.op);

        /// <summary>The op that <c>Ops.<paramref name="call"/></c> builds, or null when no op does.</summary>
        public static Op? Find(string call) => ByCall.TryGetValue(call, out var op) ? op : null;
    }
}
