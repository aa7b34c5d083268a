using Bert.Samples.Finetuning;
using Bert.Samples.Models;

namespace Bert.Samples.Tests.Finetuning;

public class FinetuneRecipeTests
{
    static BertShape Shape(string className) => CompiledModels.Classifiers.Single(m => m.ClassName == className).Shape;

    [Theory]
    [InlineData(nameof(TutorialBertClassifier))]
    [InlineData(nameof(TinyBertClassifier))]
    [InlineData(nameof(MiniLmL6Classifier))]
    [InlineData(nameof(BertMediumClassifier))]
    public void CompactModelsTakeTheHigherRateForSixEpochs(string className)
    {
        Assert.Equal(new FinetuneRecipe(1e-4f, 6), FinetuneRecipe.For(Shape(className)));
    }

    [Fact]
    public void BertBaseTakesTheBertPapersMrpcRecipe()
    {
        Assert.Equal(new FinetuneRecipe(2e-5f, 3), FinetuneRecipe.For(Shape(nameof(BertBaseClassifier))));
    }
}
