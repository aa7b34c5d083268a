using Bert.Generators.Emit;

namespace Bert.Generators.Tests.Front;

/// <summary>The generator's table of runtime types (<see cref="RuntimeTargets"/>) against the runtime, at test time and at build time.</summary>
public class RuntimeContractTests
{
    [Fact]
    public void Every_runtime_type_generated_code_names_is_public_in_the_runtime_or_declaration_assembly()
    {
        var runtime = typeof(Bert.Runtime.Cpu.Blas).Assembly;
        var declarations = typeof(Bert.Graph.Init).Assembly;
        foreach (var type in RuntimeTargets.Types)
        {
            var assembly = type.MetadataName.StartsWith("Bert.Graph.", StringComparison.Ordinal) ? declarations : runtime;
            var found = assembly.GetType(type.MetadataName);
            Assert.True(found is { IsPublic: true }, $"{type.MetadataName} (named {type.Name} in generated code) is not a public type of {assembly.GetName().Name}");
            Assert.Equal(type.Name, found!.Name.Split('`')[0]);
        }
    }

    [Fact]
    public void Every_generated_file_imports_the_runtime_only_through_the_table()
    {
        foreach (var (hint, text) in TestCompiler.GeneratedSources(TestCompiler.NamedTutorialSources()))
        {
            var runtimeDirectives = text.Split('\n').Where(l => l.StartsWith("using ", StringComparison.Ordinal) && l.Contains("Bert.Runtime")).ToList();
            Assert.NotEmpty(runtimeDirectives);
            foreach (string line in runtimeDirectives)
                Assert.Contains(RuntimeTargets.Types, t => line.TrimEnd() == $"using {t.Name} = {t.Qualified};");
        }
    }

    [Fact]
    public void A_runtime_without_the_types_the_generated_code_calls_is_reported_with_their_names()
    {
        // A stale runtime: it has Blas (so the generator emits the model) but none of the other types.
        const string staleRuntime = "namespace Bert.Runtime.Cpu { public static class Blas { } }";
        var (generator, _) = TestCompiler.GenerateWithout("Bert.Runtime", [.. TestCompiler.TutorialSources(), staleRuntime]);
        var stale = Assert.Single(generator, d => d.Id == "BERT0016");
        Assert.Contains("Bert.Runtime.Cpu.ParallelRows", stale.GetMessage());
        Assert.Contains("TutorialBert", stale.GetMessage());
        Assert.DoesNotContain("Bert.Runtime.Cpu.Blas,", stale.GetMessage());
    }
}
