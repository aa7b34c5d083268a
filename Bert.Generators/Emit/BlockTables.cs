using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using Bert.Generators.Kernels;
using Bert.Generators.Plan;

namespace Bert.Generators.Emit
{
    /// <summary>
    /// The per-block tables that the plan's loops (<see cref="BlockLoop"/>) read: for each [Block] array that loops, a
    /// struct of what changes from one block to the next — its tensors' element offsets in their store and its kernel
    /// scalars (dropout counter ranges) — and an array with one entry per block, filled by Bind. A loop body names a
    /// member through a local after the field: <c>encoder.QueryWeight</c> is the offset of this layer's query weight in the
    /// parameter values and in the gradients (one layout), <c>encoder.Dense</c> that of an activation in the arena,
    /// <c>encoder.InX</c> / <c>encoder.OutX2</c> those of the tensors the block reads from and writes to the model.
    /// The CPU and GPU programs build the same tables from the same plan, so they agree on every name.
    /// </summary>
    internal sealed class BlockTables
    {
        /// <summary>One table: its struct, array and local names, and its members.</summary>
        internal sealed class Table
        {
            public Table(BlockArrayDecl block)
            {
                Block = block;
                Struct = block.Field + "Layer";
                Array = Identifiers.Camel(block.Field) + "Layers";
                Local = Identifiers.Camel(block.Field);
            }

            public BlockArrayDecl Block { get; }
            public string Struct { get; }
            public string Array { get; }
            public string Local { get; }
            public List<Member> Members { get; } = new List<Member>();
        }

        /// <summary>
        /// A struct member: its C# type and, for each block a loop runs, the C# expression it holds; for a parameter, also
        /// that offset as a symbolic part and a constant, so Bind can compute evenly spaced ones in a loop.
        /// </summary>
        internal sealed record Member(string Name, string Type, Dictionary<int, string> ByBlock, Dictionary<int, (string Symbolic, long Constant)>? Parts);

        readonly Dictionary<string, Table> tables = new Dictionary<string, Table>();
        readonly Dictionary<(int Loop, TensorRef Tensor), Member> tensorMembers = new Dictionary<(int, TensorRef), Member>();
        readonly Dictionary<(int Loop, int Step, string Scalar), Member> scalarMembers = new Dictionary<(int, int, string), Member>();
        readonly ExecutionPlan plan;

        public BlockTables(ExecutionPlan plan, TensorViews views, System.Func<Expr, string> renderScalar)
        {
            this.plan = plan;
            for (int l = 0; l < plan.Loops.Length; l++)
            {
                var loop = plan.Loops[l];
                var table = TableOf(loop.Field);
                var list = loop.Backward ? plan.Backward : plan.Forward;
                var body = Enumerable.Range(0, loop.Length).Select(step => list[loop.At(loop.Template, step)]).ToList();
                foreach (var tensor in loop.Tensors)
                {
                    var values = ByBlock(loop, tensor.ByIteration, t => views[t].Offset);
                    var parts = tensor.Body.Storage == StorageKind.ParamValue || tensor.Body.Storage == StorageKind.ParamGrad
                        ? ByBlock(loop, tensor.ByIteration, t => views.ParameterOffset(t.Name)) : null;
                    tensorMembers[(l, tensor.Body)] = Named(table, MemberName(tensor.Body, loop, body), "long", values, parts);
                }
                foreach (var scalar in loop.Scalars)
                {
                    var step = (KernelStep)body[scalar.Step];
                    var type = CSharpDialect.Instance.TypeName(Kernel(step).Scalars.First(s => s.Name == scalar.Name).Type);
                    var values = ByBlock(loop, scalar.ByIteration, renderScalar);
                    // A dropout site's counter range is the same in forward and backward (distinct sites never share one): one member for both.
                    scalarMembers[(l, scalar.Step, scalar.Name)] =
                        table.Members.FirstOrDefault(m => m.Type == type && Within(values, m.ByBlock))
                        ?? Named(table, step.Kernel.Substring(step.Kernel.IndexOf('_') + 1) + Pascal(scalar.Name), type, values, null);
                }
            }
        }

        public IEnumerable<Table> All => tables.Values;

        public Table this[BlockLoop loop] => tables[loop.Field];

        /// <summary>The member holding the offset of what the loop's body names <paramref name="tensor"/>, or null when every block names that same tensor.</summary>
        public string? Tensor(BlockLoop loop, TensorRef tensor) =>
            tensorMembers.TryGetValue((plan.Loops.IndexOf(loop), tensor), out var member) ? this[loop].Local + "." + member.Name : null;

        /// <summary>The member holding scalar <paramref name="name"/> of the body's <paramref name="step"/>-th step, or null when it does not vary.</summary>
        public string? Scalar(BlockLoop loop, int step, string name) =>
            scalarMembers.TryGetValue((plan.Loops.IndexOf(loop), step, name), out var member) ? this[loop].Local + "." + member.Name : null;

        Table TableOf(string field)
        {
            if (!tables.TryGetValue(field, out var table))
                tables[field] = table = new Table(plan.BlockArrays.First(b => b.Field == field));
            return table;
        }

        Kernel Kernel(KernelStep step) => plan.Kernels.First(k => k.Name == step.Kernel);

        /// <summary>Each block's value, for the iterations that have one.</summary>
        static Dictionary<int, TValue> ByBlock<T, TValue>(BlockLoop loop, IReadOnlyList<T?> byIteration, System.Func<T, TValue> value) where T : class =>
            Enumerable.Range(0, loop.Blocks.Length).Where(k => byIteration[k] != null).ToDictionary(k => loop.Blocks[k], k => value(byIteration[k]!));

        /// <summary>Whether <paramref name="b"/> holds every value of <paramref name="a"/>, for the same blocks.</summary>
        static bool Within(Dictionary<int, string> a, Dictionary<int, string> b) =>
            a.All(pair => b.TryGetValue(pair.Key, out var other) && other == pair.Value);

        /// <summary>The member named <paramref name="name"/> with these values (another loop's, agreeing on the blocks both run); a new one, numbered if the name is taken, otherwise.</summary>
        static Member Named(Table table, string name, string type, Dictionary<int, string> values, Dictionary<int, (string, long)>? parts)
        {
            for (int n = 1; ; n++)
            {
                string candidate = n == 1 ? name : name + (char.IsDigit(name[name.Length - 1]) ? "_" : "") + n;
                var existing = table.Members.FirstOrDefault(m => m.Name == candidate);
                if (existing == null)
                {
                    var member = new Member(candidate, type, values, parts);
                    table.Members.Add(member);
                    return member;
                }
                if (existing.Type == type && values.All(pair => !existing.ByBlock.TryGetValue(pair.Key, out var other) || other == pair.Value))
                {
                    foreach (var pair in values) existing.ByBlock[pair.Key] = pair.Value;
                    if (parts != null && existing.Parts != null) foreach (var pair in parts) existing.Parts[pair.Key] = pair.Value;
                    return existing;
                }
            }
        }

        /// <summary>
        /// A tensor's name without its block, said relative to the body's block ("Encoder[0].QueryWeight" → QueryWeight,
        /// "Encoder0_dense_3" → Dense3, "d_Encoder0_x" → DX; a tensor of the block after it: NextDX). A tensor of the
        /// model's own is what the block reads from or writes to it: "x" → InX, "x_2" → OutX2.
        /// </summary>
        string MemberName(TensorRef tensor, BlockLoop loop, IReadOnlyList<Step> body)
        {
            int self = loop.Blocks[loop.Template];
            string? relation = null;
            string name = Regex.Replace(tensor.Name, $@"{Regex.Escape(loop.Field)}(?:\[(\d+)\]\.|(\d+)_)", match =>
            {
                int block = int.Parse(match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value, CultureInfo.InvariantCulture);
                relation = block == self ? "" : block == self + 1 ? "Next" : block == self - 1 ? "Previous" : "Block" + block;
                return "";
            });
            return (relation ?? (ReadFirst(tensor, body) ? "In" : "Out")) + Pascal(name);
        }

        /// <summary>Whether the first body step that names <paramref name="tensor"/> reads it.</summary>
        bool ReadFirst(TensorRef tensor, IReadOnlyList<Step> body)
        {
            foreach (var step in body)
            {
                switch (step)
                {
                    case KernelStep k when k.Buffers.Values.Contains(tensor):
                        var names = k.Buffers.Where(b => b.Value == tensor).Select(b => b.Key).ToList();
                        return Kernel(k).Buffers.Any(b => names.Contains(b.Name) && b.Access != BufferAccess.Write);
                    case GemmStep g when g.A == tensor || g.B == tensor || g.C == tensor:
                        return g.C != tensor;
                    case ZeroStep z when z.Tensor == tensor:
                        return false;
                }
            }
            return true;
        }

        /// <summary>PascalCase of the identifier's '_'-separated parts ("dense_3" → Dense3).</summary>
        static string Pascal(string name) =>
            string.Concat(Identifiers.Sanitize(name).Split('_').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p.Substring(1)));

        /// <summary>The table's struct and array declarations.</summary>
        public static void Declare(Table table, CodeWriter w)
        {
            w.Blank();
            w.Line($"/// <summary>What changes from one {table.Block.Field} block to the next in the loops over them: element offsets of its tensors (parameter stores and arena) and its kernel scalars.</summary>");
            w.Line($"private struct {table.Struct}");
            w.Open();
            foreach (var group in table.Members.GroupBy(m => m.Type))
                w.List($"public {group.Key} ", group.Select(m => m.Name), ";");
            w.Close();
            w.Blank();
            w.Line($"private readonly {table.Struct}[] {table.Array} = new {table.Struct}[{table.Block.Count}];");
        }

        /// <summary>
        /// Bind's statements that fill the table: parameter offsets that step evenly from block to block in a loop (the
        /// blocks' parameters lie one block after another), then each block's other entries (arena slots, scalars).
        /// </summary>
        public static void Fill(Table table, CodeWriter w)
        {
            var spaced = table.Members.Where(m => Spacing(m) != null).ToList();
            var blocks = table.Members.SelectMany(m => m.ByBlock.Keys).Distinct().OrderBy(b => b).ToList();
            if (spaced.Count > 0)
            {
                w.Blank();
                w.Line($"// Each {table.Block.Field} block's parameters: the first block's offsets, one block's parameters apart");
                w.Line($"for (int layer = {blocks[0]}; layer <= {blocks[blocks.Count - 1]}; layer++)");
                w.Open();
                foreach (var member in spaced)
                {
                    var (symbolic, constant, stride) = Spacing(member)!.Value;
                    string first = symbolic.Length == 0 ? constant.ToString(CultureInfo.InvariantCulture) : symbolic + " + " + constant.ToString(CultureInfo.InvariantCulture);
                    w.Line($"{table.Array}[layer].{member.Name} = {first} + {stride.ToString(CultureInfo.InvariantCulture)}L * layer;");
                }
                w.Close();
            }
            w.Blank();
            w.Line($"// Each {table.Block.Field} block's activations and other values");
            foreach (int b in blocks)
            {
                var assignments = table.Members.Where(m => !spaced.Contains(m) && m.ByBlock.ContainsKey(b)).Select(m => $"{m.Name} = {m.ByBlock[b]}").ToList();
                if (assignments.Count == 0) continue;
                w.List($"{table.Array}[{b}] = {table.Array}[{b}] with {{ ", assignments, " };");
            }
        }

        /// <summary>For a parameter member whose offset is <c>symbolic + constant + stride · block</c> for every block 0…n-1: those; else null.</summary>
        static (string Symbolic, long Constant, long Stride)? Spacing(Member member)
        {
            if (member.Parts == null || member.Parts.Count < 2 || !member.Parts.ContainsKey(0)) return null;
            var (symbolic, constant) = member.Parts[0];
            long stride = member.Parts.TryGetValue(1, out var second) ? second.Constant - constant : 0;
            bool even = member.Parts.Count == member.Parts.Keys.Max() + 1
                && member.Parts.All(p => p.Value.Symbolic == symbolic && p.Value.Constant == constant + stride * p.Key);
            return even && stride != 0 ? (symbolic, constant, stride) : ((string, long, long)?)null;
        }
    }
}
