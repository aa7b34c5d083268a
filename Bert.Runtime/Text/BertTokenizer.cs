using System.Text;

namespace Bert.Runtime.Text;

/// <summary>
/// A WordPiece tokenizer that gives the ids of HuggingFace's BertTokenizer (tokenize_chinese_chars=True,
/// strip_accents following do_lower_case) in one pass over the text: cleaning, CJK isolation, lower-casing with
/// accent stripping (uncased models; a cased model keeps the text as written), whitespace and punctuation
/// splitting, and greedy longest-match-first WordPiece with "##" continuations. Special tokens written in the
/// text ("[MASK]", ...) stay whole. Thread-safe; allocates nothing per word.
/// </summary>
public sealed class BertTokenizer
{
    /// <summary>HuggingFace's max_input_chars_per_word: a longer word becomes [UNK].</summary>
    public const int MaxWordCodePoints = 100;

    readonly int[] asciiPunctuationIds = new int[128];

    /// <param name="lowerCase">HuggingFace's do_lower_case: true for uncased models (lower-case and strip accents), false for cased ones.</param>
    public BertTokenizer(WordPieceVocabulary vocabulary, bool lowerCase = true)
    {
        Vocabulary = vocabulary;
        LowerCase = lowerCase;
        for (char c = (char)0; c < 128; c++)
            if (BertCharacters.OfAscii(c) == BertCharacters.Kind.Punctuation)
                asciiPunctuationIds[c] = vocabulary.TryGetId([c], out int id) ? id : vocabulary.UnkId;
    }

    public static BertTokenizer FromVocabularyFile(string path) => new(WordPieceVocabulary.Load(path));

    public WordPieceVocabulary Vocabulary { get; }

    /// <summary>Whether text is lower-cased and its accents stripped (do_lower_case).</summary>
    public bool LowerCase { get; }

    /// <summary>Appends the ids of <paramref name="text"/> (no [CLS]/[SEP]) to <paramref name="ids"/>.</summary>
    public void Tokenize(ReadOnlySpan<char> text, List<int> ids)
    {
        var word = new WordBuffer(stackalloc char[WordBuffer.Capacity]);
        Span<char> folded = stackalloc char[UnicodeFold.MaxFoldedLength];
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c < 128)
            {
                switch (BertCharacters.OfAscii(c))
                {
                    case BertCharacters.Kind.Word:
                        int end = i + 1;
                        while (end < text.Length && text[end] < 128 && BertCharacters.OfAscii(text[end]) == BertCharacters.Kind.Word)
                            end++;
                        word.AppendAscii(text[i..end], LowerCase);
                        i = end;
                        break;
                    case BertCharacters.Kind.Whitespace:
                        FlushWord(ref word, ids);
                        i++;
                        break;
                    case BertCharacters.Kind.Punctuation:
                        FlushWord(ref word, ids);
                        if (c == '[' && TryMatchSpecialToken(text[i..], out int specialId, out int specialLength))
                        {
                            ids.Add(specialId);
                            i += specialLength;
                        }
                        else
                        {
                            ids.Add(asciiPunctuationIds[c]);
                            i++;
                        }
                        break;
                    default: // Removed: the neighbours join.
                        i++;
                        break;
                }
                continue;
            }

            // Non-ASCII: an unpaired surrogate decodes as U+FFFD, which cleaning removes.
            Rune.DecodeFromUtf16(text[i..], out Rune rune, out int consumed);
            i += consumed;
            switch (BertCharacters.OfRaw(rune))
            {
                case BertCharacters.Kind.Whitespace:
                    FlushWord(ref word, ids);
                    break;
                case BertCharacters.Kind.Ideograph:
                    FlushWord(ref word, ids);
                    word.Append(folded[..Fold(rune, folded)]);
                    FlushWord(ref word, ids);
                    break;
                case BertCharacters.Kind.Word:
                    AppendFolded(folded[..Fold(rune, folded)], ref word, ids);
                    break;
            }
        }
        FlushWord(ref word, ids);
    }

    /// <summary>The ids of <paramref name="text"/> (no [CLS]/[SEP]).</summary>
    public int[] Tokenize(string text)
    {
        var ids = new List<int>();
        Tokenize(text.AsSpan(), ids);
        return [.. ids];
    }

    /// <summary>The tokens of <paramref name="text"/> as strings, for inspection.</summary>
    public string[] TokenizeToStrings(string text) => [.. Tokenize(text).Select(id => Vocabulary[id])];

    /// <summary>A non-ASCII character as the word holds it: lower-cased and without accents (uncased), or as written (cased).</summary>
    int Fold(Rune rune, Span<char> destination) => LowerCase ? UnicodeFold.Fold(rune, destination) : rune.EncodeToUtf16(destination);

    // Folded characters that are punctuation split the word; the rest extend it.
    void AppendFolded(ReadOnlySpan<char> folded, ref WordBuffer word, List<int> ids)
    {
        while (!folded.IsEmpty)
        {
            Rune.DecodeFromUtf16(folded, out Rune rune, out int consumed);
            if (BertCharacters.IsPunctuation(rune))
            {
                FlushWord(ref word, ids);
                word.Append(folded[..consumed]);
                FlushWord(ref word, ids);
            }
            else
            {
                word.Append(folded[..consumed]);
            }
            folded = folded[consumed..];
        }
    }

    bool TryMatchSpecialToken(ReadOnlySpan<char> text, out int id, out int length)
    {
        foreach (string special in WordPieceVocabulary.SpecialTokens)
        {
            if (text.StartsWith(special, StringComparison.Ordinal))
            {
                Vocabulary.TryGetId(special, out id);
                length = special.Length;
                return true;
            }
        }
        id = length = 0;
        return false;
    }

    void FlushWord(ref WordBuffer word, List<int> ids)
    {
        if (word.IsEmpty) return;
        if (word.IsTooLong) ids.Add(Vocabulary.UnkId);
        else AppendWordPieces(word.Buffer, word.Length, ids);
        word.Clear();
    }

    /// <summary>
    /// Greedy longest-match-first WordPiece on the word held at buffer[2..2 + length]. A continuation piece is
    /// looked up as "##" + rest by writing "##" over the two characters before it, which are already consumed:
    /// no string is built. A word with an unmatched remainder becomes a single [UNK], as in HuggingFace.
    /// </summary>
    void AppendWordPieces(Span<char> buffer, int length, List<int> ids)
    {
        if (Vocabulary.TryGetId(buffer.Slice(WordBuffer.PrefixRoom, length), out int wholeId))
        {
            ids.Add(wholeId);
            return;
        }
        int firstPiece = ids.Count;
        int start = 0;
        while (start < length)
        {
            // Pieces longer than the longest token cannot match; the whole word was tried above.
            int longest = start == 0 ? Math.Min(length - 1, Vocabulary.MaxTokenLength)
                                     : Math.Min(length - start, Vocabulary.MaxTokenLength - WordBuffer.PrefixRoom);
            int end = start + longest, id = -1;
            for (; end > start; end--)
            {
                ReadOnlySpan<char> piece = start == 0
                    ? buffer.Slice(WordBuffer.PrefixRoom, end)
                    : buffer.Slice(start, end - start + WordBuffer.PrefixRoom);
                if (Vocabulary.TryGetId(piece, out id)) break;
            }
            if (end == start)
            {
                ids.RemoveRange(firstPiece, ids.Count - firstPiece);
                ids.Add(Vocabulary.UnkId);
                return;
            }
            ids.Add(id);
            start = end;
            if (start < length) buffer[start] = buffer[start + 1] = '#';
        }
    }

    /// <summary>The current word, after two free slots for a "##" prefix; counts code points for the length limit.</summary>
    ref struct WordBuffer(Span<char> buffer)
    {
        public const int PrefixRoom = 2;
        // Room for the limit in surrogate pairs; a longer word only counts, it is [UNK] anyway.
        public const int Capacity = PrefixRoom + 2 * MaxWordCodePoints;

        public readonly Span<char> Buffer = buffer;
        public int Length;
        int codePoints;

        public readonly bool IsEmpty => codePoints == 0;
        public readonly bool IsTooLong => codePoints > MaxWordCodePoints;

        public void Append(char c)
        {
            if (!char.IsLowSurrogate(c)) codePoints++;
            if (codePoints <= MaxWordCodePoints) Buffer[PrefixRoom + Length++] = c;
        }

        public void Append(ReadOnlySpan<char> chars)
        {
            foreach (char c in chars) Append(c);
        }

        /// <summary>Appends ASCII letters, digits and symbols, lower-cased when <paramref name="lowerCase"/>.</summary>
        public void AppendAscii(ReadOnlySpan<char> chars, bool lowerCase)
        {
            int room = Math.Max(0, MaxWordCodePoints - codePoints);
            Span<char> destination = Buffer.Slice(PrefixRoom + Length, Math.Min(room, chars.Length));
            for (int k = 0; k < destination.Length; k++)
            {
                char c = chars[k];
                destination[k] = lowerCase && c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c;
            }
            Length += destination.Length;
            codePoints += chars.Length;
        }

        public void Clear() => Length = codePoints = 0;
    }
}
