namespace Bert.Runtime.Data;

/// <summary>
/// Token ↔ id map of the pretraining data. Built from corpus counts (tokens seen at least min-frequency times
/// plus the reserved tokens, sorted ordinally so ids never depend on file order or hashing), or loaded from a
/// file with one token per line (id = line number). Unknown tokens map to <see cref="UnknownId"/>.
/// </summary>
public sealed class Vocabulary
{
    public const string Unknown = "<unk>", Padding = "<pad>", Mask = "<mask>", Classify = "<cls>", Separator = "<sep>";

    /// <summary>Tokens every vocabulary holds.</summary>
    public static IReadOnlyList<string> ReservedTokens { get; } = [Unknown, Padding, Mask, Classify, Separator];

    readonly string[] tokens;
    readonly Dictionary<string, int> ids;
    readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> spanIds;

    Vocabulary(string[] tokens, string origin)
    {
        if (tokens.Length < ReservedTokens.Count)
            throw new UserError($"The vocabulary from {origin} has {tokens.Length} token(s); it needs at least the " +
                                $"{ReservedTokens.Count} reserved tokens {string.Join(' ', ReservedTokens)}.");
        this.tokens = tokens;
        ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (int i = 0; i < tokens.Length; i++)
        {
            string token = tokens[i];
            if (token.Length == 0 || token.AsSpan().IndexOfAny(WordTokenizer.Whitespace) >= 0)
                throw new UserError($"The vocabulary from {origin} has an empty or blank-containing token at line {i + 1}.");
            if (!ids.TryAdd(token, i))
                throw new UserError($"The vocabulary from {origin} lists '{token}' twice (lines {ids[token] + 1} and {i + 1}).");
        }
        spanIds = ids.GetAlternateLookup<ReadOnlySpan<char>>();
        UnknownId = Reserved(Unknown, origin);
        PadId = Reserved(Padding, origin);
        MaskId = Reserved(Mask, origin);
        ClsId = Reserved(Classify, origin);
        SepId = Reserved(Separator, origin);
    }

    public int Count => tokens.Length;
    public int UnknownId { get; }
    public int PadId { get; }
    public int MaskId { get; }
    public int ClsId { get; }
    public int SepId { get; }

    /// <summary>All tokens, indexed by id.</summary>
    public IReadOnlyList<string> Tokens => tokens;

    public string this[int id] => tokens[id];

    /// <summary>The id of <paramref name="token"/>, or <see cref="UnknownId"/>.</summary>
    public int this[ReadOnlySpan<char> token] => spanIds.TryGetValue(token, out int id) ? id : UnknownId;

    public bool TryGetId(ReadOnlySpan<char> token, out int id) => spanIds.TryGetValue(token, out id);

    /// <summary>Lower-cases a free sentence, splits it on whitespace and maps each word to its id.</summary>
    public int[] Encode(string sentence)
    {
        string lower = sentence.ToLowerInvariant();
        var result = new List<int>();
        foreach (Range word in WordTokenizer.Words(lower)) result.Add(this[lower.AsSpan(word)]);
        return result.ToArray();
    }

    /// <summary>The reserved tokens plus every token counted at least <paramref name="minFrequency"/> times, sorted ordinally.</summary>
    public static Vocabulary FromCounts(IEnumerable<KeyValuePair<string, int>> counts, int minFrequency)
    {
        var kept = new HashSet<string>(ReservedTokens, StringComparer.Ordinal);
        foreach (var (token, count) in counts)
            if (count >= minFrequency) kept.Add(token);
        string[] sorted = kept.ToArray();
        Array.Sort(sorted, StringComparer.Ordinal);
        return new Vocabulary(sorted, "the corpus counts");
    }

    /// <summary>A vocabulary with the given tokens in the given order (id = position).</summary>
    public static Vocabulary FromTokens(IEnumerable<string> tokens) => new(tokens.ToArray(), "the token list");

    /// <summary>Writes one token per line (UTF-8, '\n').</summary>
    public void Save(string path)
    {
        try { File.WriteAllText(path, string.Join('\n', tokens) + "\n"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new UserError($"Cannot write the vocabulary to {path}: {e.Message}", e); }
    }

    /// <summary>Reads a file written by <see cref="Save"/> (a BOM and CRLF line endings are accepted).</summary>
    public static Vocabulary Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new UserError($"Cannot read the vocabulary file {path}: {e.Message}", e); }
        string[] lines = text.Replace("\r\n", "\n").Split('\n');
        int count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        return new Vocabulary(lines[..count], path);
    }

    int Reserved(string token, string origin) => ids.TryGetValue(token, out int id)
        ? id
        : throw new UserError($"The vocabulary from {origin} lacks the reserved token {token}.");
}
