using System.Reflection;
using Bert.Generators.Graph.Ops;

namespace Bert.Generators.Tests.Front;

/// <summary>
/// Each op of the graph IR is one type with all its rules (Graph/Ops): every method of the declaration API builds exactly
/// one op, every op is found by the registry, and the ops a [Forward] method can build all have a gradient rule.
/// </summary>
public class OpRegistryTests
{
    static readonly string[] DeclarationCalls = typeof(Bert.Graph.Ops).GetMethods(BindingFlags.Public | BindingFlags.Static)
        .Select(m => m.Name).Where(n => n != "Output").Distinct().Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Every_Ops_method_of_the_declaration_API_is_the_call_of_exactly_one_op()
    {
        var calls = OpCalls.All.SelectMany(op => op.Calls.Select(call => (call, op))).ToList();
        Assert.Equal(DeclarationCalls, calls.Select(c => c.call).Order(StringComparer.Ordinal));
        foreach (var call in DeclarationCalls) Assert.Same(calls.Single(c => c.call == call).op, OpCalls.Find(call));
        Assert.Null(OpCalls.Find("Softplus"));
    }

    [Fact]
    public void The_registry_holds_every_op_type_once_by_its_singleton()
    {
        var types = typeof(Op).Assembly.GetTypes().Where(t => !t.IsAbstract && typeof(Op).IsAssignableFrom(t)).ToList();
        Assert.Equal(types.Count, OpCalls.All.Count);
        Assert.Equal(OpCalls.All.Count, OpCalls.All.Select(op => op.Name).Distinct().Count());
        foreach (var op in OpCalls.All) Assert.Same(op, op.GetType().GetField("Instance")!.GetValue(null));
    }

    [Fact]
    public void Ops_a_forward_method_builds_have_a_gradient_rule_and_backward_ops_are_marked()
    {
        static bool Differentiates(Op op) => op.GetType().GetMethod(nameof(Op.Differentiate))!.DeclaringType != typeof(Op);
        var forward = OpCalls.All.Where(op => op.Calls.Length > 0 || op is ArithmeticOp).ToList();
        Assert.All(forward, op => Assert.True(Differentiates(op), $"{op.Name} has no gradient rule"));
        Assert.All(forward, op => Assert.False(op.IsGradient, op.Name));
        Assert.All(OpCalls.All.Where(op => op.Name.EndsWith("Grad", StringComparison.Ordinal)), op => Assert.True(op.IsGradient, op.Name));
    }
}
