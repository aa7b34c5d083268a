using System.Runtime.InteropServices;

namespace Bert.Runtime.Data;

/// <summary>
/// A WikiText token file read the way the d2l BERT tutorial's <c>_read_wiki</c> reads it: every line whose raw
/// text contains " . " is a paragraph; it is stripped, lower-cased and split into sentences on " . " and into
/// words on whitespace. Words are stored packed as ids into <see cref="Words"/> (in first-seen order, which is
/// an internal detail: only the vocabulary, sorted ordinally, gives the ids the model sees).
/// </summary>
public sealed class WikiTextCorpus
{
    WikiTextCorpus(string source, string[] words, int[] wordCounts, int[] wordIds, int[] sentenceStarts, int[] paragraphStarts)
    {
        Source = source;
        Words = words;
        WordCounts = wordCounts;
        WordIds = wordIds;
        SentenceStarts = sentenceStarts;
        ParagraphStarts = paragraphStarts;
    }

    /// <summary>The file (or name) the text came from, used in messages.</summary>
    public string Source { get; }
    public int ParagraphCount => ParagraphStarts.Length - 1;
    public int SentenceCount => SentenceStarts.Length - 1;
    public int TokenCount => WordIds.Length;

    /// <summary>Distinct words and how often each occurs in the kept paragraphs.</summary>
    public IReadOnlyList<string> Words { get; }
    internal int[] WordCounts { get; }

    /// <summary>Word id of every token, paragraphs and sentences back to back.</summary>
    internal int[] WordIds { get; }
    /// <summary>Sentence s holds tokens [SentenceStarts[s], SentenceStarts[s+1]).</summary>
    internal int[] SentenceStarts { get; }
    /// <summary>Paragraph p holds sentences [ParagraphStarts[p], ParagraphStarts[p+1]).</summary>
    internal int[] ParagraphStarts { get; }

    /// <summary>Occurrences of every word in the kept paragraphs.</summary>
    public IEnumerable<KeyValuePair<string, int>> WordFrequencies()
    {
        for (int i = 0; i < Words.Count; i++) yield return new(Words[i], WordCounts[i]);
    }

    /// <summary>The reserved tokens plus the words seen at least <paramref name="minFrequency"/> times.</summary>
    public Vocabulary BuildVocabulary(int minFrequency = 5) => Vocabulary.FromCounts(WordFrequencies(), minFrequency);

    /// <summary>Every token's id in <paramref name="vocabulary"/> (unknown words become &lt;unk&gt;).</summary>
    internal int[] TokenIds(Vocabulary vocabulary)
    {
        var wordToToken = new int[Words.Count];
        for (int w = 0; w < wordToToken.Length; w++) wordToToken[w] = vocabulary[Words[w]];
        var ids = new int[WordIds.Length];
        for (int i = 0; i < ids.Length; i++) ids[i] = wordToToken[WordIds[i]];
        return ids;
    }

    /// <summary>Reads a WikiText token file; see <see cref="Parse"/>.</summary>
    public static WikiTextCorpus Read(string path)
    {
        if (Directory.Exists(path)) throw new UserError($"{path} is a folder; expected a WikiText token file.");
        if (!File.Exists(path)) throw new UserError($"{path} does not exist.");
        byte[] bytes;
        try
        {
            long length = new FileInfo(path).Length;
            if (length > Array.MaxLength) throw new UserError($"{path} is {length:N0} bytes; files over 2 GiB are not supported.");
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserError($"Cannot read {path}: {e.Message}", e);
        }
        return Parse(bytes, path);
    }

    /// <summary>
    /// Parses UTF-8 text (a BOM is skipped; CR, LF and CRLF all end lines). The file is cut at line ends into one
    /// chunk per core, parsed in parallel and merged in chunk order, so the result does not depend on the core count.
    /// </summary>
    public static WikiTextCorpus Parse(ReadOnlySpan<byte> utf8, string source) =>
        Parse(utf8, source, Environment.ProcessorCount);

    /// <summary>Parses in (at most) <paramref name="chunks"/> parallel chunks; tests vary it.</summary>
    internal static WikiTextCorpus Parse(ReadOnlySpan<byte> utf8, string source, int chunkCount)
    {
        if (utf8.StartsWith("\uFEFF"u8)) utf8 = utf8[3..];
        if (utf8.IsEmpty) throw new UserError($"{source} is empty.");

        int[] bounds = ChunkBounds(utf8, chunkCount);
        var chunks = new ChunkParser[bounds.Length - 1];
        var errors = new UserError?[chunks.Length];
        unsafe
        {
            fixed (byte* start = utf8)
            {
                byte* text = start;
                int length = utf8.Length;
                Parallel.For(0, chunks.Length, c =>
                {
                    try { chunks[c] = ChunkParser.Run(new ReadOnlySpan<byte>(text, length), bounds[c], bounds[c + 1], source); }
                    catch (UserError e) { errors[c] = e; }
                });
            }
        }
        // The first bad chunk's error, whatever the thread timing (and unwrapped from Parallel's AggregateException).
        if (errors.FirstOrDefault(e => e is not null) is { } error) throw error;
        var corpus = Merge(chunks, source);
        if (corpus.ParagraphCount == 0 || !corpus.HasSentencePair())
            throw new UserError($"{source} has no paragraph of two sentences (a line with \" . \" between sentences); " +
                                "is it a WikiText token file?");
        return corpus;
    }

    bool HasSentencePair()
    {
        for (int p = 0; p < ParagraphCount; p++)
            if (ParagraphStarts[p + 1] - ParagraphStarts[p] >= 2) return true;
        return false;
    }

    /// <summary>Chunk boundaries just after a '\n' (never inside a UTF-8 sequence or a CRLF pair).</summary>
    static int[] ChunkBounds(ReadOnlySpan<byte> utf8, int chunks)
    {
        var bounds = new List<int> { 0 };
        for (int c = 1; c < chunks; c++)
        {
            int from = Math.Max(bounds[^1], (int)((long)utf8.Length * c / chunks));
            int newline = utf8[from..].IndexOf((byte)'\n');
            if (newline < 0) break;
            if (from + newline + 1 < utf8.Length && from + newline + 1 > bounds[^1]) bounds.Add(from + newline + 1);
        }
        bounds.Add(utf8.Length);
        return bounds.ToArray();
    }

    /// <summary>Concatenates chunk results, renumbering each chunk's words into one shared word table.</summary>
    static WikiTextCorpus Merge(ChunkParser[] chunks, string source)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var words = new List<string>();
        var counts = new List<int>();
        var wordIds = new int[chunks.Sum(c => c.WordIds.Count)];
        var sentenceStarts = new int[chunks.Sum(c => c.SentenceEnds.Count) + 1];
        var paragraphStarts = new int[chunks.Sum(c => c.ParagraphEnds.Count) + 1];
        int tokenBase = 0, sentenceBase = 0, paragraphBase = 0;
        foreach (var chunk in chunks)
        {
            var remap = new int[chunk.Words.Words.Count];
            for (int local = 0; local < remap.Length; local++)
            {
                string word = chunk.Words.Words[local];
                if (!ids.TryGetValue(word, out int id)) { id = words.Count; ids.Add(word, id); words.Add(word); counts.Add(0); }
                remap[local] = id;
                counts[id] += chunk.Words.Counts[local];
            }
            var localIds = CollectionsMarshal.AsSpan(chunk.WordIds);
            for (int i = 0; i < localIds.Length; i++) wordIds[tokenBase + i] = remap[localIds[i]];
            var sentenceEnds = CollectionsMarshal.AsSpan(chunk.SentenceEnds);
            for (int i = 0; i < sentenceEnds.Length; i++) sentenceStarts[sentenceBase + i + 1] = tokenBase + sentenceEnds[i];
            var paragraphEnds = CollectionsMarshal.AsSpan(chunk.ParagraphEnds);
            for (int i = 0; i < paragraphEnds.Length; i++) paragraphStarts[paragraphBase + i + 1] = sentenceBase + paragraphEnds[i];
            tokenBase += localIds.Length;
            sentenceBase += sentenceEnds.Length;
            paragraphBase += paragraphEnds.Length;
        }
        return new WikiTextCorpus(source, words.ToArray(), counts.ToArray(), wordIds, sentenceStarts, paragraphStarts);
    }
}
