using Bert.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Bert.Generators.Tests.Front;

/// <summary>What the incremental generator runs again after an edit (Roslyn's tracked steps).</summary>
public class IncrementalTests
{
    const string Helper = "namespace Other; public static class Helper { public static int Two => 2; }";

    static (GeneratorDriver Driver, CSharpCompilation Compilation) FirstRun()
    {
        var compilation = TestCompiler.Compilation([.. TestCompiler.NamedTutorialSources(), ("Other.cs", Helper)]);
        var driver = (GeneratorDriver)CSharpGeneratorDriver.Create([new ModelGenerator().AsSourceGenerator()],
            parseOptions: (CSharpParseOptions)compilation.SyntaxTrees.First().Options,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        return (driver.RunGenerators(compilation), compilation);
    }

    static GeneratorRunResult RunAfterEdit(string file, Func<string, string> edit)
    {
        var (driver, compilation) = FirstRun();
        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == file);
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(SourceText.From(edit(tree.GetText().ToString()))));
        return driver.RunGenerators(edited).GetRunResult().Results.Single();
    }

    static IEnumerable<IncrementalStepRunReason> OutputReasons(GeneratorRunResult result) =>
        result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).Select(o => o.Reason);

    [Fact]
    public void An_edit_outside_the_model_plans_and_generates_nothing_again()
    {
        var result = RunAfterEdit("Other.cs", text => text.Replace("Two => 2", "Three => 3"));

        // The parse runs again (it reads the compilation) but finds the same model; nothing after it runs.
        var parse = result.TrackedSteps[ModelGenerator.ParseStep].SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(parse);
        Assert.All(parse, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
        Assert.All(OutputReasons(result), reason => Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, reason.ToString()));
    }

    [Fact]
    public void An_edit_of_a_block_the_model_uses_generates_again()
    {
        var changed = RunAfterEdit("EncoderBlock.cs", text => text.Replace("MaskedSoftmax(scores, validLens)", "MaskedSoftmax(scores * 2f, validLens)"));
        Assert.Contains(OutputReasons(changed), reason => reason is IncrementalStepRunReason.Modified or IncrementalStepRunReason.New);
    }
}
