using System.Globalization;
using System.Text;

namespace Bert.Runtime.Text;

/// <summary>
/// The per-code-point normalisation of HuggingFace BertTokenizer for lower-cased models: Python's str.lower,
/// then NFD, then dropping non-spacing marks (category Mn). .NET's invariant globalisation has no Unicode
/// decomposition, so the decompositions that matter come from a generated table (UnicodeFoldTable.g.cs).
/// </summary>
static partial class UnicodeFold
{
    /// <summary>The most UTF-16 units one code point folds into (a Hangul syllable or a musical symbol).</summary>
    public const int MaxFoldedLength = 6;

    const int HangulFirst = 0xAC00, HangulLast = 0xD7A3;
    const int HangulLeadBase = 0x1100, HangulVowelBase = 0x1161, HangulTrailBase = 0x11A7;
    const int HangulVowelCount = 21, HangulTrailCount = 28;

    /// <summary>Writes the folding of a non-ASCII code point into <paramref name="destination"/>; returns its length.</summary>
    public static int Fold(Rune rune, Span<char> destination)
    {
        int cp = rune.Value;
        if (cp is >= HangulFirst and <= HangulLast) return DecomposeHangul(cp, destination);
        int index = FoldedCodePoints.BinarySearch(cp);
        if (index >= 0)
        {
            int start = FoldedStarts[index], length = FoldedStarts[index + 1] - start;
            FoldedText.AsSpan(start, length).CopyTo(destination);
            return length;
        }
        if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.NonSpacingMark) return 0;
        return Rune.ToLowerInvariant(rune).EncodeToUtf16(destination);
    }

    // Hangul syllables decompose arithmetically into a leading consonant, a vowel and an optional trailing
    // consonant (Unicode §3.12); the jamo are letters (Lo), so none is dropped.
    static int DecomposeHangul(int cp, Span<char> destination)
    {
        int s = cp - HangulFirst;
        int trail = s % HangulTrailCount;
        destination[0] = (char)(HangulLeadBase + s / (HangulVowelCount * HangulTrailCount));
        destination[1] = (char)(HangulVowelBase + s % (HangulVowelCount * HangulTrailCount) / HangulTrailCount);
        if (trail == 0) return 2;
        destination[2] = (char)(HangulTrailBase + trail);
        return 3;
    }
}
