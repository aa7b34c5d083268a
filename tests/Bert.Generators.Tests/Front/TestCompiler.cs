using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Bert.Generators;
using Bert.Generators.Parse;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Bert.Generators.Tests.Front;

/// <summary>Compiles model declarations in memory: straight to graph IR, or through the generator driver.</summary>
static class TestCompiler
{
    public const string Usings = "using System;\nusing Bert.Graph;\nusing static Bert.Graph.Ops;\n";

    static readonly ImmutableArray<MetadataReference> References =
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.Length > 0)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(Bert.Graph.Tensor).Assembly.Location))
            .ToImmutableArray();

    static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    public static CSharpCompilation Compilation(params string[] sources) =>
        Compilation(sources.Select((s, i) => ($"Model{i}.cs", s)));

    /// <summary>A compilation of named source files (the names appear in diagnostics and generated comments).</summary>
    public static CSharpCompilation Compilation(IEnumerable<(string Path, string Text)> sources) => Compilation(sources, References);

    static CSharpCompilation Compilation(IEnumerable<(string Path, string Text)> sources, IEnumerable<MetadataReference> references) =>
        CSharpCompilation.Create("Models",
            sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, ParseOptions, path: s.Path))
                .Append(CSharpSyntaxTree.ParseText("global using System;", ParseOptions, path: "GlobalUsings.cs")),
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));

    /// <summary>Parses the [Model] class named <paramref name="model"/> (the first [Model] when null).</summary>
    public static ParseResult Parse(string[] sources, string? model = null)
    {
        var compilation = Compilation(sources);
        var type = compilation.SyntaxTrees
            .SelectMany(t => t.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax>()
                .Select(c => compilation.GetSemanticModel(t).GetDeclaredSymbol(c)!))
            .First(s => (model == null || s.Name == model) && s.GetAttributes().Any(a => a.AttributeClass?.Name == "ModelAttribute"));
        return ModelParser.Parse(type, compilation);
    }

    public static ParseResult Parse(string source) => Parse(new[] { source });

    /// <summary>Runs the generator; returns its diagnostics and the compiler's diagnostics of the generated result.</summary>
    public static (ImmutableArray<Diagnostic> Generator, ImmutableArray<Diagnostic> Compiler) Generate(params string[] sources) =>
        Generate(Compilation(sources));

    /// <summary>Runs the generator on a compilation that does not reference <paramref name="assembly"/> (e.g. "Bert.Runtime").</summary>
    public static (ImmutableArray<Diagnostic> Generator, ImmutableArray<Diagnostic> Compiler) GenerateWithout(string assembly, params string[] sources) =>
        Generate(Compilation(sources.Select((s, i) => ($"Model{i}.cs", s)),
            References.Where(r => !string.Equals(Path.GetFileNameWithoutExtension(r.Display), assembly, StringComparison.Ordinal))));

    static (ImmutableArray<Diagnostic> Generator, ImmutableArray<Diagnostic> Compiler) Generate(CSharpCompilation compilation)
    {
        var driver = CSharpGeneratorDriver.Create(new[] { new ModelGenerator().AsSourceGenerator() }, parseOptions: ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var result = driver.GetRunResult();
        var fromGenerator = generatorDiagnostics.AddRange(result.Diagnostics).Distinct().ToImmutableArray();
        return (fromGenerator, output.GetDiagnostics());
    }

    /// <summary>Runs the generator and returns every source it added, by hint name.</summary>
    public static ImmutableArray<(string HintName, string Text)> GeneratedSources(IEnumerable<(string Path, string Text)> sources)
    {
        var driver = CSharpGeneratorDriver.Create(new[] { new ModelGenerator().AsSourceGenerator() }, parseOptions: ParseOptions)
            .RunGenerators(Compilation(sources));
        return driver.GetRunResult().Results.SelectMany(r => r.GeneratedSources)
            .Select(s => (s.HintName, s.SourceText.ToString())).ToImmutableArray();
    }

    /// <summary>The sample TutorialBert and EncoderBlock declarations, with their file names.</summary>
    public static (string Path, string Text)[] NamedTutorialSources([CallerFilePath] string here = "")
    {
        string models = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "../../../Bert.Samples/Models"));
        return new[] { "TutorialBert.cs", "EncoderBlock.cs" }.Select(f => (f, File.ReadAllText(Path.Combine(models, f)))).ToArray();
    }

    /// <summary>The sample TutorialBert and EncoderBlock declarations.</summary>
    public static string[] TutorialSources([CallerFilePath] string here = "")
    {
        string models = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "../../../Bert.Samples/Models"));
        return new[] { File.ReadAllText(Path.Combine(models, "TutorialBert.cs")), File.ReadAllText(Path.Combine(models, "EncoderBlock.cs")) };
    }
}
