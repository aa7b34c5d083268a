using System.Globalization;
using System.Text.RegularExpressions;
using Bert.Samples.Finetuning;
using Bert.Samples.Models;
using Bert.Samples.Pretraining;
using Xunit;

namespace Bert.Samples.Tests.Finetuning;

/// <summary>The registry of compiled shapes reads each [Model] class's constants, and the declaration it offers for a new shape spells that shape.</summary>
public sealed class CompiledModelsTests
{
    [Fact]
    public void ShapesComeFromTheModelClassesConstants()
    {
        var miniLm = Assert.Single(CompiledModels.Classifiers, m => m.ClassName == nameof(MiniLmL6Classifier));
        Assert.Equal(new BertShape(6, 384, 12, 1536, "gelu", 1e-12, 512, 2), miniLm.Shape);
        var tutorial = Assert.Single(CompiledModels.Classifiers, m => m.ClassName == nameof(TutorialBertClassifier));
        Assert.Equal(new BertShape(TutorialBertClassifier.Layers, TutorialBertClassifier.Hidden, TutorialBertClassifier.Heads,
            TutorialBertClassifier.FfnHidden, "relu", 1e-5, TutorialBertClassifier.MaxPositions, 2), tutorial.Shape);
        Assert.Equal(new ModelConfig(TutorialBert.Layers, TutorialBert.Hidden, TutorialBert.Heads, TutorialBert.FfnHidden), ModelConfig.Tutorial);
        Assert.Equal("relu", PretrainingModels.Shape(ModelConfig.Tutorial).Activation);
    }

    [Theory]
    [InlineData(2, 128, 2, 512, nameof(TinyBertClassifier))]      // bert-tiny
    [InlineData(4, 256, 4, 1024, nameof(BertMiniClassifier))]     // bert-mini
    [InlineData(4, 512, 8, 2048, nameof(BertSmallClassifier))]    // bert-small
    [InlineData(6, 384, 12, 1536, nameof(MiniLmL6Classifier))]    // all-MiniLM-L6-v2
    [InlineData(8, 512, 8, 2048, nameof(BertMediumClassifier))]   // bert-medium
    [InlineData(12, 768, 12, 3072, nameof(BertBaseClassifier))]   // BERT-base
    public void EveryCommonReleasedShapeIsCompiled(int layers, int hidden, int heads, int ffn, string className)
    {
        var released = new BertShape(layers, hidden, heads, ffn, "gelu", 1e-12, 512, 2);
        Assert.Equal(className, Assert.Single(CompiledModels.Classifiers, m => m.Shape.Matches(released)).ClassName);
        using var model = FinetuningModels.Create(released, vocab: 30522);
        Assert.Equal(16 * layers + 5 + 4, model.Parameters.Parameters.Count);
    }

    [Fact]
    public void OfferedDeclarationSpellsEachCompiledShape()
    {
        foreach (var model in CompiledModels.Classifiers)
        {
            string text = CompiledModels.ClassifierDeclaration(model.Shape);
            int Dim(string name) => int.Parse(Regex.Match(text, $@"\b{name} = (\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
            double eps = double.Parse(Regex.Match(text, @"NormEps = ([0-9.E+-]+)f;").Groups[1].Value, CultureInfo.InvariantCulture);
            var spelled = new BertShape(Dim("Layers"), Dim("Hidden"), Dim("Heads"), Dim("FfnHidden"), Dim("FfnGelu") == 1 ? "gelu" : "relu",
                eps, Dim("MaxPositions"), 2);
            Assert.True(spelled.Matches(model.Shape), $"{model.ClassName}: {spelled} vs {model.Shape}");
        }
    }

    [Fact]
    public void MiniLmCheckpointShapeCreatesItsClassifier()
    {
        var (shape, vocab) = BertShape.Parse("""
            {"num_hidden_layers": 6, "hidden_size": 384, "num_attention_heads": 12, "intermediate_size": 1536,
             "hidden_act": "gelu", "layer_norm_eps": 1e-12, "max_position_embeddings": 512, "type_vocab_size": 2, "vocab_size": 30522}
            """, "test config");
        using var model = FinetuningModels.Create(shape, vocab);
        Assert.Equal(nameof(MiniLmL6Classifier), model.Name);
        Assert.Equal(6 * 16 + 5 + 4, model.Parameters.Parameters.Count);
    }
}
