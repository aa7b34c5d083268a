using Microsoft.CodeAnalysis;

namespace Bert.Generators.Tests.Front;

/// <summary>
/// Every diagnostic ID, reported through the generator driver at the exact source position marked <c>$$</c>
/// in a small bad model.
/// </summary>
public class DiagnosticTests
{
    /// <summary>A valid model; each case replaces one of its lines.</summary>
    const string Tiny = """
        [Model]
        public partial class Tiny
        {
            [Dim] public const int Hidden = 4;
            [Dim] public int Batch;
            [Hyper] public float Rate = 0.1f;
            [Input("Batch, Hidden")] public Tensor X;
            [Input("Batch")] public IntTensor Labels;
            [Param("2, Hidden")] public Tensor W;
            [Param("2", Init = Init.Zeros)] public Tensor B;
            [Forward]
            public Tensor Forward()
            {
                var logits = Dense(X, W, B);
                return CrossEntropy(logits, Labels);
            }
        }
        """;

    static string Variant(string find, string replace)
    {
        Assert.Contains(find, Tiny);
        return Tiny.Replace(find, replace);
    }

    public static TheoryData<string, string> Cases() => new()
    {
        { "BERT0001", Variant("var logits = Dense(X, W, B);", "var logits = Dense(X, W, B); $$for (int i = 0; i < 2; i++) { }") },
        { "BERT0002", Variant("[Param(\"2, Hidden\")]", "[Param(\"2, 3\")]") .Replace("var logits = Dense", "var logits = $$Dense") },
        { "BERT0003", Variant("[Param(\"2, Hidden\")]", "[Param($$\"2, Hiden\")]") },
        { "BERT0004", Variant("public Tensor B;", "public Tensor B; [Param(\"Hidden\")] public Tensor $$Unused;") },
        { "BERT0005", Variant("[Forward]", "").Replace("public partial class Tiny", "public partial class $$Tiny") },
        { "BERT0006", Variant("return CrossEntropy(logits, Labels);", "return $$logits;") },
        { "BERT0007", Variant("var logits = Dense(X, W, B);", "var logits = Output(\"Logits\", Dense(X, W, B)); Output($$\"Logits\", logits);") },
        { "BERT0008", Variant("public partial class Tiny", "public class $$Tiny") },
        { "BERT0009", Variant("[Param(\"2, Hidden\")]", "[Param($$\"2,, Hidden\")]") },
        { "BERT0010", Variant("public Tensor B;", "public Tensor B; [Block(\"Hidden\")] public Helper[] $$Helpers;") + "\npublic class Helper { }" },
        { "BERT0011", Variant("public Tensor B;", "public Tensor B; [Block] public Layer One;")
            + "\n[Block] public partial class Layer { [Dim] public int $$Width; [Forward] public Tensor Forward(Tensor x) { return x; } }" },
        { "BERT0012", Variant("var logits = Dense(X, W, B);", "var logits = Scale(Dense(X, W, B), $$Rate);") },
        { "BERT0013", Variant("[Param(\"2, Hidden\")] public Tensor W;", "[Param(\"2, Hidden\")] public Tensor W; [Param(\"2\")] public int $$Count;") },
        { "BERT0014", Variant("public Tensor Forward()", "public Tensor $$Forward(Tensor extra)") },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void IsReportedAtTheMarkedPosition(string id, string marked)
    {
        string source = TestCompiler.Usings + marked;
        int at = source.IndexOf("$$", StringComparison.Ordinal);
        Assert.True(at >= 0, "the case marks the expected position with $$");
        source = source.Remove(at, 2);
        int line = source.Take(at).Count(c => c == '\n');
        int column = at - (source.LastIndexOf('\n', at - 1) + 1);

        var (generator, _) = TestCompiler.Generate(source);

        var found = generator.Where(d => d.Id == id).ToList();
        Assert.True(found.Count > 0, $"expected {id}; got: {string.Join("; ", generator)}");
        var position = found[0].Location.GetLineSpan().StartLinePosition;
        Assert.Equal((line, column), (position.Line, position.Character));
        Assert.False(string.IsNullOrWhiteSpace(found[0].GetMessage()));
    }

    [Fact]
    public void ShapeMismatchNamesTheDimensions()
    {
        var (generator, _) = TestCompiler.Generate(TestCompiler.Usings + Variant("[Param(\"2, Hidden\")]", "[Param(\"2, 3\")]"));
        var message = generator.Single(d => d.Id == "BERT0002").GetMessage();
        Assert.Contains("last dimension 4 does not match the weight's input dimension 3", message);
    }

    [Fact]
    public void ValidModelHasNoDiagnosticsAndCompiles()
    {
        var (generator, compiler) = TestCompiler.Generate(TestCompiler.Usings + Tiny);
        Assert.Empty(generator);
        Assert.Empty(compiler.Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void TutorialBertHasNoDiagnosticsAndCompiles()
    {
        var (generator, compiler) = TestCompiler.Generate(TestCompiler.TutorialSources());
        Assert.Empty(generator);
        Assert.Empty(compiler.Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }
}
