using System.Buffers;

namespace Bert.Runtime.Data;

/// <summary>
/// The tutorial's word tokenizer: lower-case, then split on whitespace. Whitespace is exactly the set Python's
/// <c>str.split()</c> uses (including U+001C..U+001F, which .NET's char.IsWhiteSpace omits), so token counts
/// match the reference pipeline.
/// </summary>
public static class WordTokenizer
{
    public static readonly SearchValues<char> Whitespace = SearchValues.Create(
        "\t\n\v\f\r\u001C\u001D\u001E\u001F \u0085\u00A0\u1680" +
        "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000");

    // Bits 9..13 (\t \n \v \f \r), 28..31 and 32 (space): the ASCII members of Whitespace.
    const ulong AsciiWhitespace = 0b1_1111_0000_0000_0000_0011_1110_0000_0000UL;

    /// <summary>Whether <paramref name="c"/> is in <see cref="Whitespace"/> (a scalar test: words are short).</summary>
    public static bool IsWhitespace(char c) =>
        c <= ' ' ? ((AsciiWhitespace >> c) & 1) != 0 : c >= '\u0085' && Whitespace.Contains(c);

    /// <summary>Lower-cases <paramref name="text"/> and returns its whitespace-separated words.</summary>
    public static string[] Split(string text)
    {
        var words = new List<string>();
        string lower = text.ToLowerInvariant();
        foreach (Range word in Words(lower)) words.Add(lower[word]);
        return words.ToArray();
    }

    /// <summary>Enumerates the ranges of the whitespace-separated words of <paramref name="text"/>.</summary>
    public static WordEnumerator Words(ReadOnlySpan<char> text) => new(text);

    /// <summary>Removes leading and trailing whitespace (Python's <c>str.strip()</c>).</summary>
    public static ReadOnlySpan<char> Strip(ReadOnlySpan<char> text)
    {
        int start = text.IndexOfAnyExcept(Whitespace);
        if (start < 0) return [];
        int end = text.LastIndexOfAnyExcept(Whitespace);
        return text[start..(end + 1)];
    }

    /// <summary>Allocation-free enumerator over word ranges (usable in foreach).</summary>
    public ref struct WordEnumerator(ReadOnlySpan<char> text)
    {
        readonly ReadOnlySpan<char> text = text;
        int position;
        Range current;

        public readonly Range Current => current;
        public readonly WordEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            int i = position;
            while (i < text.Length && IsWhitespace(text[i])) i++;
            if (i == text.Length) { position = i; return false; }
            int start = i;
            while (i < text.Length && !IsWhitespace(text[i])) i++;
            current = start..i;
            position = i;
            return true;
        }
    }
}
