using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Bert.Runtime.Data;

/// <summary>
/// Parses one chunk of a WikiText file (whole lines) into chunk-local word ids, sentence ends and paragraph
/// ends: decodes the UTF-8 once, lower-cases it in place, then scans each kept line, hashing words as it
/// finds their ends so that interning costs one table probe per word.
/// </summary>
sealed class ChunkParser
{
    public readonly WordTable Words = new();
    public readonly List<int> WordIds;
    /// <summary>Token count after each sentence (chunk-local).</summary>
    public readonly List<int> SentenceEnds = [];
    /// <summary>Sentence count after each paragraph (chunk-local).</summary>
    public readonly List<int> ParagraphEnds = [];

    // WikiText averages about 5.5 bytes per token: sizing the token list up front avoids regrowing it.
    ChunkParser(int bytes) => WordIds = new List<int>(bytes / 5 + 16);

    public static ChunkParser Run(ReadOnlySpan<byte> file, int start, int end, string source)
    {
        char[] text = ArrayPool<char>.Shared.Rent(end - start);
        try
        {
            var status = Utf8.ToUtf16(file[start..end], text, out int read, out int written, replaceInvalidSequences: false);
            if (status != OperationStatus.Done)
            {
                int offset = start + read;
                int line = file[..offset].Count((byte)'\n') + 1;
                throw new UserError($"{source} is not valid UTF-8: bad byte 0x{file[offset]:X2} at line {line}.");
            }
            Span<char> chars = text.AsSpan(0, written);
            LowerInPlace(chars);
            var parser = new ChunkParser(end - start);
            parser.ParseLines(chars);
            return parser;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(text);
        }
    }

    /// <summary>
    /// Lower-cases like string.ToLowerInvariant, but run by run: ASCII runs in place (vectorized); only the
    /// non-ASCII runs take the general path (which, given a whole file, would handle everything after the first
    /// non-ASCII character one char at a time).
    /// </summary>
    static void LowerInPlace(Span<char> text)
    {
        Span<char> scratch = stackalloc char[256];
        while (!text.IsEmpty)
        {
            int nonAscii = text.IndexOfAnyExceptInRange((char)0, (char)127);
            Ascii.ToLowerInPlace(nonAscii < 0 ? text : text[..nonAscii], out _);
            if (nonAscii < 0) return;
            text = text[nonAscii..];
            int ascii = text.IndexOfAnyInRange((char)0, (char)127);
            int run = Math.Min(ascii < 0 ? text.Length : ascii, scratch.Length);
            // Never split a surrogate pair between two pieces.
            if (run < text.Length && run > 1 && char.IsHighSurrogate(text[run - 1])) run--;
            text[..run].ToLowerInvariant(scratch);
            scratch[..run].CopyTo(text);
            text = text[run..];
        }
    }

    void ParseLines(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            // CR, LF and CRLF end lines (Python's universal newlines); a CRLF leaves an empty line, which is skipped.
            int end = text.IndexOfAny('\n', '\r');
            ReadOnlySpan<char> line = end < 0 ? text : text[..end];
            text = end < 0 ? [] : text[(end + 1)..];
            // _read_wiki keeps a line when len(line.split(' . ')) >= 2, tested on the raw line.
            if (line.IndexOf(" . ") < 0) continue;
            ParseParagraph(WordTokenizer.Strip(line));
        }
    }

    void ParseParagraph(ReadOnlySpan<char> paragraph)
    {
        while (true)
        {
            int separator = paragraph.IndexOf(" . ");
            ParseSentence(separator < 0 ? paragraph : paragraph[..separator]);
            if (separator < 0) break;
            paragraph = paragraph[(separator + 3)..];
        }
        ParagraphEnds.Add(SentenceEnds.Count);
    }

    void ParseSentence(ReadOnlySpan<char> sentence)
    {
        int i = 0;
        while (i < sentence.Length)
        {
            char c = sentence[i];
            if (WordTokenizer.IsWhitespace(c)) { i++; continue; }
            int start = i;
            uint hash = WordTable.EmptyHash;
            do
            {
                hash = WordTable.Hash(hash, c);
                if (++i == sentence.Length) break;
                c = sentence[i];
            } while (!WordTokenizer.IsWhitespace(c));
            WordIds.Add(Words.Intern(sentence[start..i], hash));
        }
        SentenceEnds.Add(WordIds.Count);
    }
}
