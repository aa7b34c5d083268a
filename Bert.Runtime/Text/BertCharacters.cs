using System.Globalization;
using System.Text;

namespace Bert.Runtime.Text;

/// <summary>
/// HuggingFace BertTokenizer's character classes (BasicTokenizer: _is_control, _is_whitespace,
/// _is_chinese_char, _is_punctuation), with a table for ASCII so that the common case costs one load.
/// </summary>
static class BertCharacters
{
    public enum Kind : byte
    {
        /// <summary>Part of a word (letters, digits, symbols that are not punctuation).</summary>
        Word,
        /// <summary>Ends the current word.</summary>
        Whitespace,
        /// <summary>A word on its own. Non-ASCII code points are tested for it only after folding.</summary>
        Punctuation,
        /// <summary>Deleted by text cleaning (NUL, U+FFFD, control and format characters): joins its neighbours.</summary>
        Removed,
        /// <summary>A CJK ideograph: a word on its own.</summary>
        Ideograph,
    }

    static readonly Kind[] AsciiKinds = BuildAsciiKinds();

    static Kind[] BuildAsciiKinds()
    {
        var kinds = new Kind[128];
        for (int c = 0; c < 128; c++)
        {
            kinds[c] = c switch
            {
                '\t' or '\n' or '\r' or ' ' => Kind.Whitespace,
                < 32 or 127 => Kind.Removed,
                (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126) => Kind.Punctuation,
                _ => Kind.Word,
            };
        }
        return kinds;
    }

    public static Kind OfAscii(char c) => AsciiKinds[c];

    /// <summary>
    /// The class of a code point as found in the raw text, before folding. Non-ASCII punctuation is reported as
    /// <see cref="Kind.Word"/>: HuggingFace splits punctuation after lower-casing and accent stripping.
    /// </summary>
    public static Kind OfRaw(Rune rune)
    {
        if (rune.IsAscii) return AsciiKinds[rune.Value];
        UnicodeCategory category = Rune.GetUnicodeCategory(rune);
        switch (category)
        {
            // Python's _is_control: every "C*" category. U+FFFD is removed explicitly by _clean_text.
            case UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned:
                return Kind.Removed;
            // Zs becomes a space; line and paragraph separators survive cleaning but str.split() splits on them.
            case UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator:
                return Kind.Whitespace;
        }
        if (rune.Value == 0xFFFD) return Kind.Removed;
        return IsIdeograph(rune.Value) ? Kind.Ideograph : Kind.Word;
    }

    /// <summary>Whether a folded code point splits off as punctuation (ASCII symbol ranges or any "P*" category).</summary>
    public static bool IsPunctuation(Rune rune) =>
        rune.IsAscii
            ? AsciiKinds[rune.Value] == Kind.Punctuation
            : Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
                or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation
                or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
                or UnicodeCategory.OtherPunctuation;

    /// <summary>The "Chinese character" blocks of BasicTokenizer._is_chinese_char (CJK Unified Ideographs and extensions).</summary>
    static bool IsIdeograph(int cp) =>
        cp is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF)
            or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF)
            or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}
