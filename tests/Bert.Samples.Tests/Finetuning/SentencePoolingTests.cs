using Bert.Runtime;
using Bert.Samples.Finetuning;

namespace Bert.Samples.Tests.Finetuning;

public class SentencePoolingTests
{
    // Three packed sequences of 2, 3 and 1 tokens: rows 0–1, 2–4 and 5.
    static readonly int[] FirstRows = [0, 2, 5], ValidLens = [2, 3, 1];

    [Fact]
    public void ClsPoolingWeighsEachSequencesFirstTokenOnly()
    {
        var weights = new float[3 * 6];
        Array.Fill(weights, 7f);   // stale values of an earlier batch are cleared
        SentencePooling.Cls.WriteWeights(FirstRows, ValidLens, tokens: 6, weights);
        Assert.Equal([1, 0, 0, 0, 0, 0, /**/ 0, 0, 1, 0, 0, 0, /**/ 0, 0, 0, 0, 0, 1], weights);
    }

    [Fact]
    public void MeanPoolingWeighsEachOfASequencesTokensByOneOverItsLength()
    {
        var weights = new float[3 * 6];
        SentencePooling.Mean.WriteWeights(FirstRows, ValidLens, tokens: 6, weights);
        const float half = 0.5f, third = 1f / 3;
        Assert.Equal([half, half, 0, 0, 0, 0, /**/ 0, 0, third, third, third, 0, /**/ 0, 0, 0, 0, 0, 1], weights);
    }

    [Theory]
    [InlineData("""{"bert_compiler": {"model": "X", "pooling": "mean"}}""", SentencePooling.Mean)]
    [InlineData("""{"bert_compiler": {"model": "X", "pooling": "CLS"}}""", SentencePooling.Cls)]
    [InlineData("""{"bert_compiler": {"model": "X"}}""", null)]
    [InlineData("""{"hidden_size": 128}""", null)]
    public void ConfigNamesItsPoolingOrNone(string config, SentencePooling? expected)
    {
        Assert.Equal(expected, SentencePoolings.FromConfig(config, "config.json"));
    }

    [Theory]
    [InlineData("""{"bert_compiler": {"pooling": "max"}}""", "bert_compiler.pooling is 'max'")]
    [InlineData("""{"bert_compiler": {"pooling": 1}}""", "bert_compiler.pooling is 1")]
    public void ConfigWithAnUnknownPoolingIsRefusedNamingTheField(string config, string expected)
    {
        var error = Assert.Throws<UserError>(() => SentencePoolings.FromConfig(config, "'x/config.json'"));
        Assert.Contains(expected, error.Message);
        Assert.Contains("'x/config.json'", error.Message);
    }
}
