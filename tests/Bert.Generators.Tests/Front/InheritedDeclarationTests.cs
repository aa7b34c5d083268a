using Bert.Generators.Graph;

namespace Bert.Generators.Tests.Front;

/// <summary>
/// A [Model] may inherit its inputs, parameters, blocks and Forward from a shared base class and declare only its
/// shape's constants: two thin shape classes over one declaration give the same graph at their own sizes.
/// </summary>
public class InheritedDeclarationTests
{
    const string Shared = """
        public abstract class Classifier
        {
            [Dim] public int Batch;
            [Hyper] public float Rate = 0.1f;
            [Input("Batch, Hidden")] public Tensor X;
            [Input("Batch")] public IntTensor Labels;
            [Param("2, Hidden")] public Tensor W;
            [Forward]
            public Tensor Forward() => CrossEntropy(Dense(Dropout(X, Rate), W), Labels);
        }
        """;

    static ModelGraph Parse(string name, int hidden)
    {
        var result = TestCompiler.Parse([TestCompiler.Usings + Shared + $$"""

            [Model]
            public partial class {{name}} : Classifier
            {
                [Dim] public const int Hidden = {{hidden}};
            }
            """], name);
        Assert.Empty(result.Diagnostics);
        return result.Graph!;
    }

    [Fact]
    public void ShapeClassesShareTheBaseDeclarationAtTheirOwnSizes()
    {
        ModelGraph small = Parse("Small", 4), large = Parse("Large", 16);
        Assert.Equal(small.Forward.Select(n => n.Op.ToString()), large.Forward.Select(n => n.Op.ToString()));
        Assert.Equal([2, 4], small.Params.Single().Value.Shape.Select(s => int.Parse(s.ToString())));
        Assert.Equal([2, 16], large.Params.Single().Value.Shape.Select(s => int.Parse(s.ToString())));
    }
}
