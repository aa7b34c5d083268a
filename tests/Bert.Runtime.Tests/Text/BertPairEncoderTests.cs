using Bert.Runtime.Text;

namespace Bert.Runtime.Tests.Text;

public class BertPairEncoderTests
{
    static int Id(string token) => BertBaseVocabulary.IdOf(token);

    [Fact]
    public void EncodesAPairWithSegmentsAndPadding()
    {
        var encoder = new BertPairEncoder(BertBaseVocabulary.Tokenizer, maxLength: 10);
        var tokens = new int[10];
        var segments = new int[10];
        Array.Fill(segments, 7); // must be overwritten everywhere

        int validLength = encoder.Encode("Hello world!", "Good night", tokens, segments);

        Assert.Equal(8, validLength);
        Assert.Equal([Id("[CLS]"), Id("hello"), Id("world"), Id("!"), Id("[SEP]"), Id("good"), Id("night"), Id("[SEP]"),
                      Id("[PAD]"), Id("[PAD]")], tokens);
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 1, 0, 0], segments);
    }

    [Fact]
    public void TruncatesTheLongerSentenceFirst()
    {
        var encoder = new BertPairEncoder(BertBaseVocabulary.Tokenizer, maxLength: 7);
        var tokens = new int[7];
        var segments = new int[7];

        int validLength = encoder.Encode("one two three four five", "six", tokens, segments);

        // Budget 4 for the sentences: 5 + 1 tokens lose two from the end of the first.
        Assert.Equal(7, validLength);
        Assert.Equal([Id("[CLS]"), Id("one"), Id("two"), Id("three"), Id("[SEP]"), Id("six"), Id("[SEP]")], tokens);
        Assert.Equal([0, 0, 0, 0, 0, 1, 1], segments);
    }

    [Theory]
    [InlineData(5, 4, 9, 5, 4)]    // fits: unchanged
    [InlineData(10, 10, 15, 8, 7)] // ties remove from the second, so the first keeps the odd token
    [InlineData(20, 3, 10, 7, 3)]  // only the longer one shrinks while it stays longer
    [InlineData(2, 30, 10, 2, 8)]
    [InlineData(6, 6, 0, 0, 0)]
    public void LongestFirstRemovesOneTokenAtATime(int first, int second, int budget, int expectedFirst, int expectedSecond)
    {
        Assert.Equal((expectedFirst, expectedSecond), BertPairEncoder.TruncateLongestFirst(first, second, budget));
    }

    [Fact]
    public void RejectsAMaximumLengthWithoutRoomForTheSpecialTokens()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BertPairEncoder(BertBaseVocabulary.Tokenizer, maxLength: 2));
    }
}
