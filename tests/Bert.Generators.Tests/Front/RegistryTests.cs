namespace Bert.Generators.Tests.Front;

/// <summary>The generated list of an assembly's compiled models (CompiledModelRegistry.All), which code picks models from instead of a hand-kept list.</summary>
public class RegistryTests
{
    const string Tiny = """
        namespace Models.Small
        {
            [Model]
            public partial class Tiny
            {
                [Dim] public int Vocab, Batch;
                [Input("Batch")] public IntTensor Ids;
                [Input("Batch")] public IntTensor Labels;
                [Param("Vocab, 4")] public Tensor Table;
                [Param("2, 4")] public Tensor W;
                [Forward] public Tensor Forward() => CrossEntropy(Dense(Embedding(Table, Ids), W), Labels);
            }
        }
        """;

    [Fact]
    public void Every_compiled_model_is_listed_once_in_the_models_common_namespace_with_a_factory_over_its_construction_dimensions()
    {
        var sources = TestCompiler.NamedTutorialSources().Append(("Tiny.cs", TestCompiler.Usings + Tiny.Replace("Models.Small", "Bert.Samples.Tiny")));
        var registry = Assert.Single(TestCompiler.GeneratedSources(sources), g => g.HintName == "CompiledModelRegistry.g.cs").Text;
        Assert.Contains("namespace Bert.Samples;", registry);
        Assert.Contains("new(typeof(global::Bert.Samples.Models.TutorialBert), [\"Vocab\"], dimensions => new global::Bert.Samples.Models.TutorialBert(dimensions[0])),", registry);
        Assert.Contains("new(typeof(global::Bert.Samples.Tiny.Tiny), [\"Vocab\"], dimensions => new global::Bert.Samples.Tiny.Tiny(dimensions[0])),", registry);
        Assert.Equal(2, registry.Split('\n').Count(l => l.TrimStart().StartsWith("new(typeof(", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_generated_registry_compiles_with_the_models()
    {
        var (generator, compiler) = TestCompiler.Generate([.. TestCompiler.TutorialSources()]);
        Assert.Empty(generator.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
        Assert.Empty(compiler.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath.Contains("CompiledModelRegistry") == true));
    }
}
