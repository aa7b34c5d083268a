namespace Bert.Runtime.Data;

/// <summary>
/// A padded [batch × seq] batch as the packed models take it (no work on padding): each sequence's real tokens one
/// after another, with their positions, their slots b·seq + t (token rows), each sequence's first token (first rows),
/// and for every padded slot the token attention reads there (its own; past the length the sequence's first, a
/// masked key).
/// </summary>
public static class PackedTokens
{
    /// <summary>The batch's real tokens: the sum of its valid lengths.</summary>
    public static int Count(ReadOnlySpan<int> validLens)
    {
        int tokens = 0;
        foreach (int length in validLens) tokens += length;
        return tokens;
    }

    /// <summary>
    /// Packs <paramref name="tokenIds"/> and <paramref name="segments"/> [batch × seq] into <paramref name="ids"/>,
    /// <paramref name="segmentIds"/> and <paramref name="positions"/> [tokens], and writes the row maps
    /// <paramref name="tokenRows"/> [tokens], <paramref name="paddedRows"/> [batch × seq] and <paramref name="firstRows"/> [batch].
    /// </summary>
    public static void Pack(ReadOnlySpan<int> tokenIds, ReadOnlySpan<int> segments, ReadOnlySpan<int> validLens, int seq,
        Span<int> ids, Span<int> segmentIds, Span<int> positions, Span<int> tokenRows, Span<int> paddedRows, Span<int> firstRows)
    {
        int token = 0;
        for (int b = 0; b < validLens.Length; b++)
        {
            firstRows[b] = token;
            for (int t = 0; t < seq; t++)
            {
                int slot = b * seq + t;
                if (t >= validLens[b])
                {
                    paddedRows[slot] = firstRows[b];
                    continue;
                }
                ids[token] = tokenIds[slot];
                segmentIds[token] = segments[slot];
                positions[token] = t;
                tokenRows[token] = slot;
                paddedRows[slot] = token;
                token++;
            }
        }
    }
}
