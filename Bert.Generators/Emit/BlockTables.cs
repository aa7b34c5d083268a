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
    /// Built once per model (<see cref="ModelLayout"/>): the CPU and GPU programs read the same tables.
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

        /// <summary>A struct member: its C# type and, for each block a loop runs, the value it holds there.</summary>
        internal sealed record Member(string Name, string Type, Dictionary<int, BlockValue> ByBlock, bool IsParameter);

        /// <summary>
        /// A block's value of a member: its C# text and, when it is a number in a fixed <paramref name="Frame"/> — a slot's
        /// index in <c>slotOffsets[…]</c>, a parameter's constant offset after its symbolic part, a constant scalar — that
        /// number, so that values stepping evenly from block to block can be written as one expression of the layer.
        /// </summary>
        internal sealed record BlockValue(string Text, Frame? Frame = null, long Number = 0);

        /// <summary>Source around a number (<c>{0}</c> marks it); <paramref name="Wide"/>: computed in 64 bits.</summary>
        internal sealed record Frame(string Pattern, bool Wide);

        /// <summary>A member's values over some blocks as <c>first + stride · layer</c> in one frame.</summary>
        readonly record struct Law(Frame Frame, long First, long Stride)
        {
            public string Render(string variable)
            {
                bool wide = Frame.Wide;
                System.Func<long, string> literal = wide
                    ? n => n >= int.MinValue && n <= int.MaxValue ? n.ToString(CultureInfo.InvariantCulture) + "L" : CSharpDialect.Instance.IntLiteral(n)
                    : n => n.ToString(CultureInfo.InvariantCulture);
                // The first value in 64 bits only when the stride alone would not make the sum 64-bit.
                System.Func<long, string> first = n => wide && n >= int.MinValue && n <= int.MaxValue ? n.ToString(CultureInfo.InvariantCulture) : literal(n);
                return Frame.Pattern.Replace("{0}", SizeText.Affine(First, Stride, variable, first, literal));
            }
        }

        readonly Dictionary<string, Table> tables = new Dictionary<string, Table>();
        readonly Dictionary<(int Loop, TensorRef Tensor), Member> tensorMembers = new Dictionary<(int, TensorRef), Member>();
        readonly Dictionary<(int Loop, int Step, string Scalar), Member> scalarMembers = new Dictionary<(int, int, string), Member>();
        readonly ExecutionPlan plan;
        readonly Dictionary<string, int> slots;

        public BlockTables(ExecutionPlan plan, TensorViews views)
        {
            this.plan = plan;
            slots = plan.Buffers.ToDictionary(b => b.Name, b => b.Slot);
            for (int l = 0; l < plan.Loops.Length; l++)
            {
                var loop = plan.Loops[l];
                var table = TableOf(loop.Field);
                var list = loop.Backward ? plan.Backward : plan.Forward;
                var body = Enumerable.Range(0, loop.Length).Select(step => list[loop.At(loop.Template, step)]).ToList();
                foreach (var tensor in loop.Tensors)
                {
                    bool parameter = tensor.Body.Storage == StorageKind.ParamValue || tensor.Body.Storage == StorageKind.ParamGrad;
                    var values = ByBlock(loop, tensor.ByIteration, t => TensorValue(t, views));
                    tensorMembers[(l, tensor.Body)] = Named(table, MemberName(tensor.Body, loop, body), "long", values, parameter);
                }
                foreach (var scalar in loop.Scalars)
                {
                    var step = (KernelStep)body[scalar.Step];
                    var type = CSharpDialect.Instance.TypeName(Kernel(step).Scalars.First(s => s.Name == scalar.Name).Type);
                    var values = ByBlock(loop, scalar.ByIteration, value => value is IntConst constant
                        ? new BlockValue(CSharpStepEmitter.RenderScalar(value), new Frame(type == "ulong" ? "(ulong)({0})" : "{0}", Wide: true), constant.Value)
                        : new BlockValue(CSharpStepEmitter.RenderScalar(value)));
                    // A dropout site's counter range is the same in forward and backward (distinct sites never share one): one member for both.
                    scalarMembers[(l, scalar.Step, scalar.Name)] =
                        table.Members.FirstOrDefault(m => m.Type == type && Within(values, m.ByBlock))
                        ?? Named(table, step.Kernel.Substring(step.Kernel.IndexOf('_') + 1) + Pascal(scalar.Name), type, values, parameter: false);
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

        /// <summary>A tensor's offset: a parameter's after its symbolic part, an activation's by its slot, an input's as text.</summary>
        BlockValue TensorValue(TensorRef tensor, TensorViews views)
        {
            string text = views[tensor].Offset;
            switch (tensor.Storage)
            {
                case StorageKind.ParamValue:
                case StorageKind.ParamGrad:
                    var (symbolic, constant) = views.ParameterOffset(tensor.Name);
                    return new BlockValue(text, new Frame(symbolic.Length == 0 ? "{0}" : symbolic + " + {0}", Wide: true), constant);
                case StorageKind.Arena:
                    return new BlockValue(text, new Frame(TensorViews.SlotOffsets + "[{0}]", Wide: false), slots[tensor.Name]);
                default:
                    return new BlockValue(text);
            }
        }

        /// <summary>Each block's value, for the iterations that have one.</summary>
        static Dictionary<int, TValue> ByBlock<T, TValue>(BlockLoop loop, IReadOnlyList<T?> byIteration, System.Func<T, TValue> value) where T : class =>
            Enumerable.Range(0, loop.Blocks.Length).Where(k => byIteration[k] != null).ToDictionary(k => loop.Blocks[k], k => value(byIteration[k]!));

        /// <summary>Whether <paramref name="b"/> holds every value of <paramref name="a"/>, for the same blocks.</summary>
        static bool Within(Dictionary<int, BlockValue> a, Dictionary<int, BlockValue> b) =>
            a.All(pair => b.TryGetValue(pair.Key, out var other) && other == pair.Value);

        /// <summary>The member named <paramref name="name"/> with these values (another loop's, agreeing on the blocks both run); a new one, numbered if the name is taken, otherwise.</summary>
        static Member Named(Table table, string name, string type, Dictionary<int, BlockValue> values, bool parameter)
        {
            for (int n = 1; ; n++)
            {
                string candidate = n == 1 ? name : name + (char.IsDigit(name[name.Length - 1]) ? "_" : "") + n;
                var existing = table.Members.FirstOrDefault(m => m.Name == candidate);
                if (existing == null)
                {
                    var member = new Member(candidate, type, values, parameter);
                    table.Members.Add(member);
                    return member;
                }
                if (existing.Type == type && existing.IsParameter == parameter
                    && values.All(pair => !existing.ByBlock.TryGetValue(pair.Key, out var other) || other == pair.Value))
                {
                    foreach (var pair in values) existing.ByBlock[pair.Key] = pair.Value;
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
        /// Bind's statements that fill the table. What steps evenly over every block — the parameters (one block's
        /// parameters after another), the dropout counter ranges, any slot — is one loop over the blocks; the rest (the
        /// activations' slots) is a loop over the longest run of blocks where it steps evenly too (a stack's first and last
        /// blocks have neighbours of another kind), and one statement for each other block.
        /// </summary>
        public static void Fill(Table table, CodeWriter w)
        {
            var blocks = table.Members.SelectMany(m => m.ByBlock.Keys).Distinct().OrderBy(b => b).ToList();
            string field = table.Block.Field;
            var even = table.Members.Where(m => Fit(m, blocks) != null).ToList();
            if (even.Count > 0)
            {
                w.Blank();
                w.Line(even.Any(m => !m.IsParameter)
                    ? $"// Each {field} block's parameters (one block's parameters apart) and what else steps evenly from block to block"
                    : $"// Each {field} block's parameters: the first block's offsets, one block's parameters apart");
                w.Line($"for (int layer = {blocks[0]}; layer <= {blocks[blocks.Count - 1]}; layer++)");
                w.Open();
                foreach (var member in even.Where(m => m.IsParameter))
                    w.Line($"{table.Array}[layer].{member.Name} = {Fit(member, blocks)!.Value.Render("layer")};");
                var others = even.Where(m => !m.IsParameter).ToList();
                if (others.Count > 0) With(table, "layer", others.Select(m => $"{m.Name} = {Fit(m, blocks)!.Value.Render("layer")}"), w);
                w.Close();
            }

            var rest = table.Members.Except(even).ToList();
            var run = LongestRun(rest, blocks);
            if (run.Count > 0)
            {
                w.Blank();
                w.Line($"// {field}[{run[0]}] to {field}[{run[run.Count - 1]}]: the activations and other values, stepping evenly from block to block");
                w.Line($"for (int layer = {run[0]}; layer <= {run[run.Count - 1]}; layer++)");
                w.Open();
                With(table, "layer", rest.Select(m => $"{m.Name} = {Fit(m, run)!.Value.Render("layer")}"), w);
                w.Close();
            }
            var remaining = blocks.Except(run).Where(b => rest.Any(m => m.ByBlock.ContainsKey(b))).ToList();
            if (remaining.Count == 0) return;
            w.Blank();
            w.Line(run.Count > 0 ? $"// The other {field} blocks' activations and other values" : $"// Each {field} block's activations and other values");
            foreach (int b in remaining)
                With(table, b.ToString(CultureInfo.InvariantCulture), rest.Where(m => m.ByBlock.ContainsKey(b)).Select(m => $"{m.Name} = {m.ByBlock[b].Text}"), w);
        }

        /// <summary>One statement setting members of the table's entry <paramref name="index"/>: <c>encoderLayers[3] = encoderLayers[3] with { … };</c>.</summary>
        static void With(Table table, string index, IEnumerable<string> assignments, CodeWriter w) =>
            w.List($"{table.Array}[{index}] = {table.Array}[{index}] with {{ ", assignments, " };");

        /// <summary>
        /// The member's values over <paramref name="blocks"/> (consecutive) as one <see cref="Law"/>, when every block has one,
        /// all in one frame, stepping evenly — seen over three blocks at least, or two for a parameter (whose blocks are laid
        /// out one after another by construction); else null.
        /// </summary>
        static Law? Fit(Member member, IReadOnlyList<int> blocks)
        {
            if (blocks.Count < (member.IsParameter ? 2 : 3) || !blocks.All(member.ByBlock.ContainsKey)) return null;
            var first = member.ByBlock[blocks[0]];
            if (first.Frame == null) return null;
            long stride = member.ByBlock[blocks[1]].Number - first.Number;
            var law = new Law(first.Frame, first.Number - stride * blocks[0], stride);
            return blocks.All(b => member.ByBlock[b].Frame == law.Frame && member.ByBlock[b].Number == law.First + law.Stride * b) ? law : (Law?)null;
        }

        /// <summary>The longest run of consecutive blocks (three at least) over which every member steps evenly; empty when none.</summary>
        static List<int> LongestRun(IReadOnlyList<Member> members, IReadOnlyList<int> blocks)
        {
            var best = new List<int>();
            if (members.Count == 0) return best;
            for (int lo = 0; lo < blocks.Count; lo++)
                for (int hi = blocks.Count - 1; hi - lo + 1 >= 3 && hi - lo + 1 > best.Count; hi--)
                {
                    var run = blocks.Skip(lo).Take(hi - lo + 1).ToList();
                    if (members.All(m => Fit(m, run) != null)) best = run;
                }
            return best;
        }
    }
}
