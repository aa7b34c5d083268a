using Bert.Runtime.Data.Mrpc;
using Bert.Runtime.Text;
using Bert.Tests;
using Tokenizers.DotNet;

namespace Bert.Runtime.Tests.Text;

/// <summary>
/// The project's WordPiece against HuggingFace's own (the Rust tokenizers library, via Tokenizers.DotNet) with the
/// standard tokenizer.json of a BERT vocabulary (BertNormalizer: clean text, CJK split, and for uncased models
/// lowercase with its accent stripping; BertPreTokenizer; WordPiece with "##" and 100 characters per word):
/// identical ids on every MRPC sentence, a WikiText-2 sample, and text chosen to hit the corners (accents, CJK,
/// punctuation, control and zero-width characters, over-long words, special tokens written in the text). Our side
/// reads the same tokenizer.json (no vocab.txt beside it) through <see cref="HfTokenizerFiles"/>, so its vocabulary
/// and casing come from that file too.
/// </summary>
public abstract class HfTokenizerParityTests(HfTokenizerParityTests.Reference hf)
{
    /// <summary>HuggingFace's tokenizer and ours, both from one tokenizer.json, built once per class.</summary>
    public abstract class Reference : IDisposable
    {
        readonly string folder = Directory.CreateTempSubdirectory("bert-hf-tokenizer-").FullName;

        protected Reference(string[] vocabulary, bool lowerCase)
        {
            string path = Path.Combine(folder, HfTokenizerFiles.TokenizerFile);
            File.WriteAllText(path, HfTokenizerJson.Bert(vocabulary, lowerCase));
            HuggingFace = new Tokenizer(path);
            var files = HfTokenizerFiles.Read(folder);
            Assert.Equal(lowerCase, files.LowerCase);
            Ours = new BertTokenizer(new WordPieceVocabulary(files.Tokens, files.Source), files.LowerCase);
        }

        public Tokenizer HuggingFace { get; }
        public BertTokenizer Ours { get; }

        public void Dispose()
        {
            HuggingFace.Dispose();
            Directory.Delete(folder, recursive: true);
        }
    }

    void AssertSameIds(IEnumerable<string> texts, string what)
    {
        var mismatches = new List<string>();
        int count = 0;
        foreach (string text in texts)
        {
            count++;
            int[] ours = hf.Ours.Tokenize(text);
            int[] theirs = [.. hf.HuggingFace.Encode(text).Select(id => checked((int)id))];
            if (!ours.SequenceEqual(theirs) && mismatches.Count < 5)
                mismatches.Add($"'{text}': ours [{string.Join(' ', ours)}], HuggingFace [{string.Join(' ', theirs)}]");
        }
        Assert.True(count > 0, $"no {what} texts");
        Assert.True(mismatches.Count == 0, $"{what}: {mismatches.Count}+ of {count} texts differ:\n{string.Join("\n", mismatches)}");
    }

    [Fact]
    public void Every_mrpc_sentence_gets_the_same_ids()
    {
        var pairs = MrpcReader.ReadTrain(SharedData.Mrpc).Concat(MrpcReader.ReadTest(SharedData.Mrpc));
        AssertSameIds(pairs.SelectMany(p => new[] { p.Sentence1, p.Sentence2 }), "MRPC");
    }

    [Fact]
    public void A_wikitext_sample_gets_the_same_ids()
    {
        var lines = File.ReadLines(Path.Combine(SharedData.WikiText2, "wiki.valid.tokens")).Where(l => l.Trim().Length > 0).Take(1500);
        AssertSameIds(lines, "WikiText-2");
    }

    [Fact]
    public void Corner_cases_get_the_same_ids()
    {
        AssertSameIds([
            "Café naïve résumé", "Ångström ÉCOLE Straße façade", "São Paulo, Zürich and Kraków", "ﬁne ligatures ½ ² ™",
            "北京欢迎你 and 東京", "한국어 텍스트", "日本語のテキストです。", "emoji 😀 and 👍🏽 here", "Ελληνικά and русский текст",
            "don't stop--now... (really?) [yes]! $3.50 & 50% #tag @user", "a\tb\nc\r\nd", "zero\u200bwidth and soft\u00adhyphen",
            "control\u0007chars\u0000here", "\u00a0non-breaking\u3000spaces\u2009thin", "[CLS] text with [SEP] and [MASK] [UNK] [PAD] written in it",
            "[cls] lower-case specials", new string('a', 99), new string('a', 100), new string('a', 101), "x" + new string('é', 120),
            "antidisestablishmentarianism supercalifragilisticexpialidocious", "   leading and trailing   ", "", "...", "٣٤٥ ١٢", "ℌ𝔢𝔩𝔩𝔬 𝐛𝐨𝐥𝐝",
            "mixed CASE Words ThAt SHOUT", "e.g. U.S.A. i.e. Ph.D.", "1,000,000.00 and 3.14159", "c++ c# f# .net node.js",
        ], "corner-case");
    }
}

/// <summary>bert-base-uncased's vocabulary, uncased (do_lower_case): the ids must also equal those of its vocab.txt read directly.</summary>
public sealed class UncasedHfTokenizerParityTests(UncasedHfTokenizerParityTests.Uncased hf)
    : HfTokenizerParityTests(hf), IClassFixture<UncasedHfTokenizerParityTests.Uncased>
{
    public sealed class Uncased() : Reference(File.ReadAllLines(SharedData.BertBaseVocab), lowerCase: true);

    [Fact]
    public void The_tokenizer_json_gives_the_vocab_txt_ids()
    {
        const string text = "Café naïve résumé: the QUICK brown fox.";
        Assert.Equal(BertBaseVocabulary.Tokenizer.Tokenize(text), hf.Ours.Tokenize(text));
    }
}

/// <summary>
/// A cased model (do_lower_case false: no lower-casing, no accent stripping): bert-base-uncased's vocabulary with
/// capitalised, upper-case and accented tokens added, so that cased text meets whole words, pieces and [UNK].
/// </summary>
public sealed class CasedHfTokenizerParityTests(CasedHfTokenizerParityTests.Cased hf)
    : HfTokenizerParityTests(hf), IClassFixture<CasedHfTokenizerParityTests.Cased>
{
    public sealed class Cased() : Reference(CasedVocabulary(), lowerCase: false);

    static string[] CasedVocabulary()
    {
        string[] uncased = File.ReadAllLines(SharedData.BertBaseVocab);
        var words = uncased.Where(t => t.Length > 1 && t.All(char.IsAsciiLetterLower)).Take(6000);
        IEnumerable<string> added = [
            .. words.Select(w => char.ToUpperInvariant(w[0]) + w[1..]), .. words.Take(300).Select(w => w.ToUpperInvariant()),
            .. Enumerable.Range('A', 26).SelectMany(c => new[] { ((char)c).ToString(), "##" + (char)c }),
            "Café", "é", "##é", "É", "##É", "naïve", "Zürich", "##ß", "Straße", "Ångström",
        ];
        return [.. uncased, .. added.Distinct().Where(t => !uncased.Contains(t))];
    }

    [Fact]
    public void Case_and_accents_are_kept()
    {
        Assert.Equal(["The", "Café", "in", "Zürich", "is", "OPEN"], hf.Ours.TokenizeToStrings("The Café in Zürich is OPEN"));
        Assert.NotEqual(hf.Ours.Tokenize("the"), hf.Ours.Tokenize("The"));
    }
}
