using System.Text.Json;
using System.Text.Json.Nodes;
using Bert.Runtime.Data.Mrpc;
using Bert.Runtime.Text;
using Bert.Tests;
using Tokenizers.DotNet;

namespace Bert.Runtime.Tests.Text;

/// <summary>
/// The project's WordPiece against HuggingFace's own (the Rust tokenizers library, via Tokenizers.DotNet) with the
/// standard tokenizer.json of an uncased BERT vocabulary (BertNormalizer: clean text, CJK split, lowercase and its
/// accent stripping; BertPreTokenizer; WordPiece with "##" and 100 characters per word): identical ids on every MRPC
/// sentence, a WikiText-2 sample, and text chosen to hit the corners (accents, CJK, punctuation, control and
/// zero-width characters, over-long words, special tokens written in the text).
/// </summary>
public sealed class HfTokenizerParityTests : IClassFixture<HfTokenizerParityTests.Reference>
{
    /// <summary>HuggingFace's tokenizer over bert-base-uncased's vocab.txt, built once for the class.</summary>
    public sealed class Reference : IDisposable
    {
        readonly string folder = Directory.CreateTempSubdirectory("bert-hf-tokenizer-").FullName;

        public Reference()
        {
            string path = Path.Combine(folder, "tokenizer.json");
            File.WriteAllText(path, UncasedTokenizerJson(File.ReadAllLines(SharedData.BertBaseVocab)));
            Tokenizer = new Tokenizer(path);
        }

        public Tokenizer Tokenizer { get; }

        public void Dispose()
        {
            Tokenizer.Dispose();
            Directory.Delete(folder, recursive: true);
        }
    }

    readonly Reference hf;

    public HfTokenizerParityTests(Reference hf) => this.hf = hf;

    /// <summary>bert-base-uncased's tokenizer.json as HuggingFace writes it, minus the [CLS]/[SEP] post-processor (both sides tokenize bare text).</summary>
    static string UncasedTokenizerJson(string[] vocabulary)
    {
        var vocab = new JsonObject();
        for (int id = 0; id < vocabulary.Length; id++) vocab[vocabulary[id]] = id;
        var added = new JsonArray();
        foreach (string special in WordPieceVocabulary.SpecialTokens)
            added.Add(new JsonObject
            {
                ["id"] = Array.IndexOf(vocabulary, special), ["content"] = special, ["single_word"] = false, ["lstrip"] = false,
                ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
            });
        var tokenizer = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = added,
            ["normalizer"] = new JsonObject
            {
                ["type"] = "BertNormalizer", ["clean_text"] = true, ["handle_chinese_chars"] = true, ["strip_accents"] = null, ["lowercase"] = true,
            },
            ["pre_tokenizer"] = new JsonObject { ["type"] = "BertPreTokenizer" },
            ["post_processor"] = null,
            ["decoder"] = new JsonObject { ["type"] = "WordPiece", ["prefix"] = "##", ["cleanup"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "WordPiece", ["unk_token"] = "[UNK]", ["continuing_subword_prefix"] = "##",
                ["max_input_chars_per_word"] = BertTokenizer.MaxWordCodePoints, ["vocab"] = vocab,
            },
        };
        return tokenizer.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    void AssertSameIds(IEnumerable<string> texts, string what)
    {
        var mismatches = new List<string>();
        int count = 0;
        foreach (string text in texts)
        {
            count++;
            int[] ours = BertBaseVocabulary.Tokenizer.Tokenize(text);
            int[] theirs = [.. hf.Tokenizer.Encode(text).Select(id => checked((int)id))];
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
