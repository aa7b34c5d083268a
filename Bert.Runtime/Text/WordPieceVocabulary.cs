namespace Bert.Runtime.Text;

/// <summary>
/// A WordPiece vocabulary as in a BERT checkpoint's vocab.txt: one token per line, the id is the line index.
/// Looks tokens up by span so that the tokenizer never allocates a string per word.
/// </summary>
public sealed class WordPieceVocabulary
{
    public const string Cls = "[CLS]", Sep = "[SEP]", Pad = "[PAD]", Unk = "[UNK]", Mask = "[MASK]";

    /// <summary>The special tokens: kept whole wherever they appear in raw text, as HuggingFace does.</summary>
    public static IReadOnlyList<string> SpecialTokens { get; } = [Pad, Unk, Cls, Sep, Mask];

    readonly string[] tokens;
    readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> idsBySpan;

    public WordPieceVocabulary(IReadOnlyList<string> tokens, string source = "vocabulary")
    {
        this.tokens = [.. tokens];
        var ids = new Dictionary<string, int>(tokens.Count, StringComparer.Ordinal);
        // A repeated token keeps its last line, as HuggingFace's load_vocab does.
        for (int i = 0; i < tokens.Count; i++) ids[tokens[i]] = i;
        idsBySpan = ids.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (string token in tokens) MaxTokenLength = Math.Max(MaxTokenLength, token.Length);

        string[] missing = [.. SpecialTokens.Where(special => !ids.ContainsKey(special))];
        if (missing.Length > 0)
            throw new VocabularyException(
                $"{source} lacks the special token(s) {string.Join(", ", missing)}: a BERT vocab.txt must list [PAD], [UNK], [CLS], [SEP] and [MASK].");
        ClsId = ids[Cls];
        SepId = ids[Sep];
        PadId = ids[Pad];
        UnkId = ids[Unk];
        MaskId = ids[Mask];
    }

    /// <summary>Loads vocab.txt (UTF-8, one token per line).</summary>
    public static WordPieceVocabulary Load(string path)
    {
        if (!File.Exists(path))
            throw new VocabularyException($"Vocabulary file '{path}' does not exist: pass the vocab.txt of a BERT checkpoint.");
        string[] lines = File.ReadAllLines(path);
        if (lines.Length == 0) throw new VocabularyException($"Vocabulary file '{path}' is empty.");
        return new WordPieceVocabulary(lines, $"Vocabulary file '{path}'");
    }

    public int Count => tokens.Length;
    public int ClsId { get; }
    public int SepId { get; }
    public int PadId { get; }
    public int UnkId { get; }
    public int MaskId { get; }

    /// <summary>The longest token, in UTF-16 units: no longer piece needs a lookup.</summary>
    public int MaxTokenLength { get; }

    public string this[int id] => tokens[id];

    public bool TryGetId(ReadOnlySpan<char> token, out int id) => idsBySpan.TryGetValue(token, out id);
}
