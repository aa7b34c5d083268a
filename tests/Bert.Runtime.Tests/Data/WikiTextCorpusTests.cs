using System.Text;
using Bert.Runtime.Data;
using Bert.Tests;

namespace Bert.Runtime.Tests.Data;

public class WikiTextCorpusTests
{
    [Fact]
    public void Splits_paragraphs_sentences_and_words_like_read_wiki()
    {
        var corpus = TestText.Corpus(
            " = Heading = \n" +
            " The Cat sat . It  Slept . \n" +
            "\n" +
            " One sentence only . \n" +       // kept: the raw line contains " . " (d2l's rule), one sentence
            " no separator here .\n" +        // dropped: " ." at the end is not " . "
            " A . B . C\n");
        Assert.Equal(
            [
                [["the", "cat", "sat"], ["it", "slept", "."]],
                [["one", "sentence", "only", "."]],
                [["a"], ["b"], ["c"]],
            ],
            TestText.Paragraphs(corpus));
        Assert.Equal(3, corpus.ParagraphCount);
        Assert.Equal(6, corpus.SentenceCount);
        Assert.Equal(13, corpus.TokenCount);
    }

    [Fact]
    public void Lower_cases_non_ASCII_and_splits_on_Python_whitespace()
    {
        var corpus = TestText.Corpus(" ÉCOLE Ünd\u00A0Straße . Ωmega\u2003x\u001Fy . \n");
        Assert.Equal([[["école", "ünd", "straße"], ["ωmega", "x", "y", "."]]], TestText.Paragraphs(corpus));
    }

    [Fact]
    public void CRLF_and_CR_line_endings_read_like_LF()
    {
        string lf = " a b . c d . \n e f . g . \n";
        var expected = TestText.Paragraphs(TestText.Corpus(lf));
        Assert.Equal(expected, TestText.Paragraphs(TestText.Corpus(lf.Replace("\n", "\r\n"))));
        Assert.Equal(expected, TestText.Paragraphs(TestText.Corpus(lf.Replace("\n", "\r"))));
    }

    [Fact]
    public void UTF8_byte_order_mark_is_ignored()
    {
        byte[] text = Encoding.UTF8.GetBytes(" a b . c d . \n");
        var withBom = WikiTextCorpus.Parse([0xEF, 0xBB, 0xBF, .. text], "bom.tokens");
        Assert.Equal([[["a", "b"], ["c", "d", "."]]], TestText.Paragraphs(withBom));
    }

    [Fact]
    public void Invalid_UTF8_is_a_user_error_naming_the_line()
    {
        byte[] text = [.. Encoding.UTF8.GetBytes(" a . b . \n c . d "), 0xFF, .. Encoding.UTF8.GetBytes(" . \n")];
        var error = Assert.Throws<UserError>(() => WikiTextCorpus.Parse(text, "bad.tokens"));
        Assert.Contains("bad.tokens is not valid UTF-8", error.Message);
        Assert.Contains("0xFF at line 2", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\uFEFF")]
    public void Empty_file_is_a_user_error(string text)
    {
        var error = Assert.Throws<UserError>(() => TestText.Corpus(text));
        Assert.Contains("test.tokens is empty", error.Message);
    }

    [Theory]
    [InlineData(" = Heading = \n\n just words without separators\n")]
    [InlineData(" only . \n one more . \n")]
    public void File_without_a_two_sentence_paragraph_is_a_user_error(string text)
    {
        var error = Assert.Throws<UserError>(() => TestText.Corpus(text));
        Assert.Contains("no paragraph of two sentences", error.Message);
    }

    [Fact]
    public void Absurdly_long_lines_are_read()
    {
        string longWord = new('x', 1_000_000);
        string manyWords = string.Join(' ', Enumerable.Repeat("w", 500_000));
        var corpus = TestText.Corpus($" {manyWords} . {longWord} . \n a . b . \n");
        Assert.Equal(2, corpus.ParagraphCount);
        Assert.Equal(500_000 + 2 + 3, corpus.TokenCount);
        Assert.Contains(longWord, corpus.Words);
    }

    [Fact]
    public void Result_does_not_depend_on_the_chunk_count()
    {
        string text = TestText.Synthetic(300);
        var one = TestText.Corpus(text, chunks: 1);
        foreach (int chunks in new[] { 2, 3, 7, 64 })
        {
            var other = TestText.Corpus(text, chunks);
            Assert.Equal(TestText.Paragraphs(one), TestText.Paragraphs(other));
            Assert.Equal(one.WordFrequencies().OrderBy(w => w.Key, StringComparer.Ordinal),
                         other.WordFrequencies().OrderBy(w => w.Key, StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Missing_file_or_folder_is_a_user_error()
    {
        using var temp = new TestText.TempFolder();
        Assert.Contains("does not exist", Assert.Throws<UserError>(() => WikiTextCorpus.Read(Path.Combine(temp.Path, "nope.tokens"))).Message);
        Assert.Contains("is a folder", Assert.Throws<UserError>(() => WikiTextCorpus.Read(temp.Path)).Message);
    }

    // Expected figures from the reference logic (d2l's _read_wiki + Vocab(min_freq=5) run in Python over the
    // shared file); the vocabulary size is also the data README's 20,256.
    [Fact]
    public void Shared_training_file_has_the_reference_counts()
    {
        var corpus = WikiTextCorpus.Read(Path.Combine(SharedData.WikiText2, WikiText2.TrainFile));
        Assert.Equal(15_496, corpus.ParagraphCount);
        Assert.Equal(74_631, corpus.SentenceCount);
        Assert.Equal(1_926_792, corpus.TokenCount);
        Assert.Equal(20_256, corpus.BuildVocabulary().Count);
    }
}
