using Bert.Runtime.Text;

namespace Bert.Runtime.Tests.Text;

/// <summary>
/// Expected tokens follow HuggingFace BertTokenizer's rules for bert-base-uncased. Each case was also checked
/// against HuggingFace's Rust tokenizers 0.23.2 (BertNormalizer + BertPreTokenizer + WordPiece) and a
/// transcription of transformers' slow BasicTokenizer/WordpieceTokenizer; both agree on every case here.
/// </summary>
public class BertTokenizerTests
{
    public static TheoryData<string, string[]> Cases => new()
    {
        { "Héllo wörld", ["hello", "world"] },
        { "HELLO World MiXeD", ["hello", "world", "mixed"] },
        { "naïve café résumé", ["naive", "cafe", "resume"] },
        // A combining accent is dropped like a precomposed one.
        { "e\u0301t\u00e9", ["et", "##e"] },
        // With the real vocabulary greedy longest-match gives "una" first (the docstring's un ##aff ##able
        // comes from a toy vocabulary: see UnaffableWithTheDocstringVocabulary).
        { "unaffable", ["una", "##ffa", "##ble"] },
        { "", [] },
        { "  \t\n ", [] },
        // CJK ideographs are words of their own; 字 and 符 are not in the vocabulary.
        { "中文字符", ["中", "文", "[UNK]", "[UNK]"] },
        // Kana are not in the CJK blocks: they form an ordinary word.
        { "日本語のテキスト", ["日", "本", "語", "の", "##テ", "##キ", "##ス", "##ト"] },
        { "hello!!!...???", ["hello", "!", "!", "!", ".", ".", ".", "?", "?", "?"] },
        { "don't stop-me (now)", ["don", "'", "t", "stop", "-", "me", "(", "now", ")"] },
        // Control characters (NUL, SOH, VT, DEL, NEL) are deleted: their neighbours join.
        { "a\u0000b\u0001c\u000bd\u007fe\u0085f", ["abc", "##de", "##f"] },
        { "tab\tnew\nline\rret", ["tab", "new", "line", "re", "##t"] },
        // Unicode spaces and line/paragraph separators split words.
        { "a\u2028b\u2029c\u00a0d\u3000e", ["a", "b", "c", "d", "e"] },
        { "zero\u200bwidth soft\u00adhyphen", ["zero", "##wi", "##dt", "##h", "soft", "##hy", "##ph", "##en"] },
        { "bad\ufffdchar", ["bad", "##cha", "##r"] },
        { "12345 3.14 1,000,000", ["123", "##45", "3", ".", "14", "1", ",", "000", ",", "000"] },
        // An emoji is not in the vocabulary, and a word with an unmatched remainder is one [UNK].
        { "emoji 😀 test hi😀", ["em", "##oj", "##i", "[UNK]", "test", "[UNK]"] },
        // Lower-casing and decomposition: dotted capital I, Kelvin sign, Angstrom sign.
        { "İstanbul \u212a \u212b", ["istanbul", "k", "a"] },
        // Hangul syllables decompose into jamo.
        { "한국어", ["ᄒ", "##ᅡ", "##ᆫ", "##ᄀ", "##ᅮ", "##ᆨ", "##ᄋ", "##ᅥ"] },
        // "≠" decomposes to "=" + combining mark, and "=" is punctuation.
        { "\u2260x", ["=", "x"] },
        { "—dash– ‘quotes’ “double”", ["—", "dash", "–", "‘", "quotes", "’", "“", "double", "”"] },
        // "$" is ASCII punctuation; "£" and "€" are symbols (Sc), so they stay inside words.
        { "$2.5 £3 €4", ["$", "2", ".", "5", "£3", "€", "##4"] },
        // A CJK compatibility ideograph folds to its unified form (U+8C48), which is not in the vocabulary.
        { "\uf900", ["[UNK]"] },
        { "\u00bd", ["½"] },
        { "[CLS] a [SEP] b [PAD][UNK][MASK]", ["[CLS]", "a", "[SEP]", "b", "[PAD]", "[UNK]", "[MASK]"] },
        // Special tokens match case-sensitively, even inside a word.
        { "ab[MASK]cd [mask]", ["ab", "[MASK]", "cd", "[", "mask", "]"] },
        // A word of 100 characters is split; one of 101 is [UNK].
        { new string('x', 100), RepeatedPiece("xx", 50) },
        { new string('x', 101), ["[UNK]"] },
        // The limit applies after accent stripping: combining marks do not count.
        { string.Concat(Enumerable.Repeat("e\u0301", 100)), RepeatedPiece("ee", 50) },
        { string.Concat(Enumerable.Repeat("e\u0301", 101)), ["[UNK]"] },
        { "Amrozi accused his brother, whom he called \"the witness\", of deliberately distorting his evidence.",
            ["am", "##ro", "##zi", "accused", "his", "brother", ",", "whom", "he", "called", "\"", "the", "witness",
             "\"", ",", "of", "deliberately", "di", "##stor", "##ting", "his", "evidence", "."] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TokenizesLikeHuggingFace(string text, string[] expectedTokens)
    {
        int[] expectedIds = [.. expectedTokens.Select(BertBaseVocabulary.IdOf)];

        Assert.Equal(expectedIds, BertBaseVocabulary.Tokenizer.Tokenize(text));
        Assert.Equal(expectedTokens, BertBaseVocabulary.Tokenizer.TokenizeToStrings(text));
    }

    [Fact]
    public void AppendsToTheGivenList()
    {
        var ids = new List<int> { -1 };
        BertBaseVocabulary.Tokenizer.Tokenize("hello world", ids);
        Assert.Equal([-1, BertBaseVocabulary.IdOf("hello"), BertBaseVocabulary.IdOf("world")], ids);
    }

    [Fact]
    public void UnaffableWithTheDocstringVocabulary()
    {
        var tokenizer = new BertTokenizer(ToyVocabulary("un", "##aff", "##able"));
        Assert.Equal(["un", "##aff", "##able"], tokenizer.TokenizeToStrings("unaffable"));
    }

    [Fact]
    public void WordLengthLimitCountsCodePointsNotUtf16Units()
    {
        // 1 + 99 astral characters = 100 code points but 199 UTF-16 units: still within the limit.
        var tokenizer = new BertTokenizer(ToyVocabulary("a", "##😀"));
        string hundred = "a" + string.Concat(Enumerable.Repeat("😀", 99));

        Assert.Equal(["a", .. Enumerable.Repeat("##😀", 99)], tokenizer.TokenizeToStrings(hundred));
        Assert.Equal(["[UNK]"], tokenizer.TokenizeToStrings(hundred + "😀"));
    }

    [Fact]
    public void VocabularyIdsAreLineIndices()
    {
        var vocabulary = BertBaseVocabulary.Tokenizer.Vocabulary;
        Assert.Equal(30522, vocabulary.Count);
        Assert.Equal(BertBaseVocabulary.IdOf("[PAD]"), vocabulary.PadId);
        Assert.Equal(BertBaseVocabulary.IdOf("[UNK]"), vocabulary.UnkId);
        Assert.Equal(BertBaseVocabulary.IdOf("[CLS]"), vocabulary.ClsId);
        Assert.Equal(BertBaseVocabulary.IdOf("[SEP]"), vocabulary.SepId);
        Assert.Equal(BertBaseVocabulary.IdOf("[MASK]"), vocabulary.MaskId);
        Assert.Equal("hello", vocabulary[BertBaseVocabulary.IdOf("hello")]);
    }

    [Fact]
    public void MissingVocabularyFileIsAClearError()
    {
        string path = Path.Combine(Path.GetTempPath(), $"no-such-vocab-{Guid.NewGuid():N}.txt");
        var error = Assert.Throws<VocabularyException>(() => BertTokenizer.FromVocabularyFile(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void VocabularyWithoutSpecialTokensIsAClearError()
    {
        var error = Assert.Throws<VocabularyException>(() => new WordPieceVocabulary(["[PAD]", "[UNK]", "hello"]));
        Assert.Contains("[CLS], [SEP], [MASK]", error.Message);
    }

    /// <summary>A word split into <paramref name="count"/> equal pieces: "xx", "##xx", "##xx", ...</summary>
    static string[] RepeatedPiece(string piece, int count) => [piece, .. Enumerable.Repeat("##" + piece, count - 1)];

    static WordPieceVocabulary ToyVocabulary(params string[] tokens) =>
        new([.. WordPieceVocabulary.SpecialTokens, .. tokens]);
}
