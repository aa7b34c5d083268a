using Bert.Generators.Passes;
using Bert.Generators.Plan;

namespace Bert.Generators.Tests.Front;

/// <summary>The static arena of the tutorial BERT: reuse, safety and the size formula.</summary>
public class MemoryPlanTests
{
    static readonly ExecutionPlan Plan = Plans.Tutorial();
    static readonly Dictionary<string, long> Dims = new() { ["Vocab"] = 30522, ["Batch"] = 32, ["Seq"] = 128, ["Tokens"] = 2900, ["Masked"] = 480 };

    [Fact]
    public void ArenaIsSmallerThanTheSumOfItsBuffers()
    {
        long sum = Plan.Buffers.Sum(b => MemoryPlan.Evaluate(b.Elements, Dims));
        long arena = Plan.Memory.Elements(Dims);
        Assert.True(arena < sum * 3 / 4, $"arena {arena} elements vs {sum} without reuse");
        Assert.True(Plan.Memory.SlotMembers.Length < Plan.Buffers.Length / 2);
    }

    [Fact]
    public void NoTwoLiveBuffersShareASlot()
    {
        var program = Plan.Forward.Concat(Plan.Backward).ToList();
        var pinned = Plan.Outputs.Select(o => o.Tensor.Name).Append(Plan.Loss.Name).ToHashSet();
        var first = new Dictionary<string, int>();
        var last = new Dictionary<string, int>();
        for (int s = 0; s < program.Count; s++)
            foreach (var name in MemoryPlanner.ArenaNames(program[s]))
            {
                first.TryAdd(name, s);
                last[name] = pinned.Contains(name) ? int.MaxValue : s;
            }
        Assert.Equal(first.Keys.OrderBy(n => n), Plan.Buffers.Select(b => b.Name).OrderBy(n => n));
        foreach (var slot in Plan.Buffers.GroupBy(b => b.Slot))
        {
            var members = slot.OrderBy(b => first[b.Name]).ToList();
            for (int i = 1; i < members.Count; i++)
                Assert.True(last[members[i - 1].Name] < first[members[i].Name],
                    $"slot {slot.Key}: {members[i - 1].Name} is still live when {members[i].Name} is written");
        }
    }

    [Fact]
    public void FormulaIsInTermsOfTheRunTimeDimensions()
    {
        string formula = Plan.Memory.Describe();
        Assert.StartsWith("4 * (", formula);
        Assert.EndsWith(") bytes", formula);
        foreach (var symbol in new[] { "Batch", "Seq", "Masked", "Vocab" }) Assert.Contains(symbol, formula);
        // The slot sizes the formula lists account for every buffer.
        Assert.All(Plan.Buffers, b => Assert.Contains(b.Elements, Plan.Memory.SlotSizes[b.Slot]));
    }

    [Fact]
    public void ArenaGrowsWithTheBoundDimensions()
    {
        long small = Plan.Memory.Elements(new Dictionary<string, long>(Dims) { ["Batch"] = 8 });
        Assert.True(small < Plan.Memory.Elements(Dims));
    }
}
