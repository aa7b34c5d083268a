using System.Text.Json;
using System.Text.Json.Nodes;
using Bert.Runtime.Text;

namespace Bert.Runtime.Tests.Text;

/// <summary>The standard tokenizer.json of a BERT WordPiece vocabulary, the input of HuggingFace's tokenizers.</summary>
static class HfTokenizerJson
{
    /// <summary>
    /// A BERT tokenizer.json as HuggingFace writes it for <paramref name="vocabulary"/> (uncased: lowercase and its
    /// accent stripping; cased: neither), minus the [CLS]/[SEP] post-processor (both sides tokenize bare text).
    /// </summary>
    public static string Bert(string[] vocabulary, bool lowerCase)
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
                ["type"] = "BertNormalizer", ["clean_text"] = true, ["handle_chinese_chars"] = true, ["strip_accents"] = null, ["lowercase"] = lowerCase,
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
}
