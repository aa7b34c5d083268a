using Bert.Runtime.Data;

namespace Bert.Runtime.Tests.Data;

public class VocabularyTests
{
    static Vocabulary Small() => Vocabulary.FromCounts(
        [new("the", 9), new("cat", 5), new("rare", 4), new("Zebra", 7), new("<unk>", 12)], minFrequency: 5);

    [Fact]
    public void Keeps_frequent_words_plus_reserved_tokens_in_ordinal_order()
    {
        Assert.Equal(["<cls>", "<mask>", "<pad>", "<sep>", "<unk>", "Zebra", "cat", "the"], Small().Tokens);
    }

    [Fact]
    public void Maps_ids_both_ways_and_unknown_words_to_unk()
    {
        var vocab = Small();
        Assert.Equal(8, vocab.Count);
        Assert.Equal("cat", vocab[vocab["cat"]]);
        Assert.Equal(vocab.UnknownId, vocab["rare"]);
        Assert.Equal("<unk>", vocab[vocab.UnknownId]);
        Assert.Equal(["<pad>", "<mask>", "<cls>", "<sep>"],
            new[] { vocab[vocab.PadId], vocab[vocab.MaskId], vocab[vocab.ClsId], vocab[vocab.SepId] });
        Assert.False(vocab.TryGetId("rare", out _));
    }

    [Fact]
    public void Encode_lower_cases_and_splits_on_whitespace()
    {
        var vocab = Small();
        Assert.Equal([vocab["the"], vocab["cat"], vocab.UnknownId, vocab.UnknownId], vocab.Encode("  The\tCAT rare\u00A0Zebra "));
        Assert.Equal(["école", "x"], WordTokenizer.Split(" École\u3000X "));
    }

    [Fact]
    public void Save_and_Load_round_trip_one_token_per_line()
    {
        using var temp = new TestText.TempFolder();
        string path = Path.Combine(temp.Path, "vocab.txt");
        Small().Save(path);
        Assert.Equal(string.Join('\n', Small().Tokens) + "\n", File.ReadAllText(path));
        Assert.Equal(Small().Tokens, Vocabulary.Load(path).Tokens);
    }

    [Fact]
    public void Load_accepts_BOM_and_CRLF()
    {
        using var temp = new TestText.TempFolder();
        string path = temp.File("vocab.txt", [0xEF, 0xBB, 0xBF, .. "<unk>\r\n<pad>\r\n<mask>\r\n<cls>\r\n<sep>\r\nword\r\n"u8]);
        var vocab = Vocabulary.Load(path);
        Assert.Equal(6, vocab.Count);
        Assert.Equal(5, vocab["word"]);
        Assert.Equal(0, vocab.UnknownId);
    }

    [Fact]
    public void Vocabulary_smaller_than_the_reserved_tokens_is_a_user_error()
    {
        using var temp = new TestText.TempFolder();
        string path = temp.File("vocab.txt", "<unk>\n<pad>\n"u8.ToArray());
        var error = Assert.Throws<UserError>(() => Vocabulary.Load(path));
        Assert.Contains("has 2 token(s); it needs at least the 5 reserved tokens", error.Message);
        Assert.Throws<UserError>(() => Vocabulary.FromTokens([]));
    }

    [Fact]
    public void Missing_reserved_or_duplicate_tokens_are_user_errors()
    {
        Assert.Contains("lacks the reserved token <sep>",
            Assert.Throws<UserError>(() => Vocabulary.FromTokens(["<unk>", "<pad>", "<mask>", "<cls>", "a", "b"])).Message);
        Assert.Contains("lists 'a' twice",
            Assert.Throws<UserError>(() => Vocabulary.FromTokens(["<unk>", "<pad>", "<mask>", "<cls>", "<sep>", "a", "a"])).Message);
        Assert.Contains("missing.txt",
            Assert.Throws<UserError>(() => Vocabulary.Load("/nonexistent/missing.txt")).Message);
    }
}
