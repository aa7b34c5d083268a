using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bert.Runtime.Text;

/// <summary>
/// What a HuggingFace BERT folder says about its tokenizer: the tokens (vocab.txt, or the WordPiece vocabulary of
/// tokenizer.json when there is no vocab.txt) and the casing (tokenizer_config.json's do_lower_case, else
/// tokenizer.json's BertNormalizer lowercase, else uncased as BertTokenizer's default).
/// </summary>
/// <param name="Tokens">The tokens by id.</param>
/// <param name="LowerCase">do_lower_case: lower-case and strip accents before WordPiece.</param>
/// <param name="Source">The file the tokens came from, for messages.</param>
public sealed record HfTokenizerFiles(string[] Tokens, bool LowerCase, string Source)
{
    public const string VocabularyFile = "vocab.txt", TokenizerFile = "tokenizer.json", ConfigFile = "tokenizer_config.json";

    /// <summary>Reads the tokenizer of <paramref name="folder"/>; a missing or unusable file is a <see cref="VocabularyException"/> naming it.</summary>
    public static HfTokenizerFiles Read(string folder)
    {
        string vocabPath = Path.Combine(folder, VocabularyFile), tokenizerPath = Path.Combine(folder, TokenizerFile);
        bool? configured = ReadDoLowerCase(Path.Combine(folder, ConfigFile));
        if (File.Exists(vocabPath))
        {
            bool? normalizer = configured is null && File.Exists(tokenizerPath) ? TokenizerJson.Read(tokenizerPath).LowerCase : null;
            return new HfTokenizerFiles(ReadLines(vocabPath), configured ?? normalizer ?? true, $"Vocabulary file '{vocabPath}'");
        }
        if (File.Exists(tokenizerPath))
        {
            var json = TokenizerJson.Read(tokenizerPath);
            return new HfTokenizerFiles(json.Tokens, configured ?? json.LowerCase ?? true, $"Tokenizer file '{tokenizerPath}'");
        }
        throw new VocabularyException($"'{folder}' has neither {VocabularyFile} nor {TokenizerFile}: a BERT checkpoint folder needs its vocabulary.");
    }

    /// <summary>Reads one file: a vocab.txt (uncased unless a tokenizer_config.json beside it says otherwise) or a tokenizer.json.</summary>
    public static HfTokenizerFiles ReadFile(string path)
    {
        if (!File.Exists(path)) throw new VocabularyException($"Vocabulary file '{path}' does not exist: pass the vocab.txt or tokenizer.json of a BERT checkpoint.");
        bool? configured = ReadDoLowerCase(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, ConfigFile));
        if (Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase))
        {
            var json = TokenizerJson.Read(path);
            return new HfTokenizerFiles(json.Tokens, configured ?? json.LowerCase ?? true, $"Tokenizer file '{path}'");
        }
        return new HfTokenizerFiles(ReadLines(path), configured ?? true, $"Vocabulary file '{path}'");
    }

    /// <summary>tokenizer_config.json as HuggingFace's BertTokenizer reads it back.</summary>
    public static string ConfigJson(bool lowerCase, int maxLength) =>
        new JsonObject
        {
            ["tokenizer_class"] = "BertTokenizer", ["do_lower_case"] = lowerCase, ["model_max_length"] = maxLength,
            ["unk_token"] = WordPieceVocabulary.Unk, ["sep_token"] = WordPieceVocabulary.Sep, ["pad_token"] = WordPieceVocabulary.Pad,
            ["cls_token"] = WordPieceVocabulary.Cls, ["mask_token"] = WordPieceVocabulary.Mask,
        }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    static string[] ReadLines(string path)
    {
        string[] lines = File.ReadAllLines(path);
        return lines.Length > 0 ? lines : throw new VocabularyException($"Vocabulary file '{path}' is empty.");
    }

    static bool? ReadDoLowerCase(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new VocabularyException($"'{path}' is not a JSON object: it is not a tokenizer_config.json.");
            if (!document.RootElement.TryGetProperty("do_lower_case", out var value) || value.ValueKind == JsonValueKind.Null) return null;
            return value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new VocabularyException($"'{path}': \"do_lower_case\" is {value.GetRawText()}, not true or false."),
            };
        }
        catch (JsonException e)
        {
            throw new VocabularyException($"'{path}' is not valid JSON: {e.Message}");
        }
    }

    /// <summary>The parts of a tokenizer.json this app reads: a WordPiece model with "##" pieces, and a BertNormalizer's casing.</summary>
    sealed record TokenizerJson(string[] Tokens, bool? LowerCase)
    {
        public static TokenizerJson Read(string path)
        {
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllText(path));
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
                    throw new VocabularyException($"'{path}' has no \"model\" object: it is not a HuggingFace tokenizer.json.");
                string type = model.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "(none)";
                if (type != "WordPiece")
                    throw new VocabularyException($"'{path}' describes a {type} tokenizer; BERT models use WordPiece, which is the one this app runs.");
                if (model.TryGetProperty("continuing_subword_prefix", out var prefix) && prefix.ValueKind == JsonValueKind.String && prefix.GetString() != "##")
                    throw new VocabularyException($"'{path}': WordPiece pieces continue with \"{prefix.GetString()}\"; this app's BERT tokenizer needs \"##\".");
                if (!model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
                    throw new VocabularyException($"'{path}' has no WordPiece \"vocab\" object.");
                var byId = new SortedDictionary<int, string>();
                foreach (var entry in vocab.EnumerateObject())
                {
                    if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out int id) || id < 0)
                        throw new VocabularyException($"'{path}': the id of token '{entry.Name}' is {entry.Value.GetRawText()}, not a whole number ≥ 0.");
                    if (!byId.TryAdd(id, entry.Name))
                        throw new VocabularyException($"'{path}': tokens '{byId[id]}' and '{entry.Name}' share id {id}.");
                }
                if (byId.Count == 0) throw new VocabularyException($"'{path}': the WordPiece vocabulary is empty.");
                if (byId.Keys.Last() != byId.Count - 1)
                    throw new VocabularyException($"'{path}': the ids of its {byId.Count:N0} tokens skip numbers (the largest is {byId.Keys.Last()}); a vocabulary numbers its tokens 0, 1, 2, …");
                return new TokenizerJson([.. byId.Values], NormalizerLowerCase(root));
            }
            catch (JsonException e)
            {
                throw new VocabularyException($"'{path}' is not valid JSON: {e.Message}");
            }
        }

        static bool? NormalizerLowerCase(JsonElement root) =>
            root.TryGetProperty("normalizer", out var normalizer) && normalizer.ValueKind == JsonValueKind.Object
            && normalizer.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "BertNormalizer"
            && normalizer.TryGetProperty("lowercase", out var lowercase) && lowercase.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? lowercase.ValueKind == JsonValueKind.True
                : null;
    }
}
