namespace Bert.Runtime.Text;

/// <summary>
/// Encodes a sentence pair for BERT as "[CLS] a [SEP] b [SEP]" with segment ids 0 for "[CLS] a [SEP]" and 1
/// for "b [SEP]", truncated to <see cref="MaxLength"/> the way HuggingFace's longest_first does (one token at a
/// time from the end of the longer sentence, the second one on a tie) and padded with [PAD] / segment 0.
/// Keeps scratch lists, so one instance must not be shared between threads.
/// </summary>
public sealed class BertPairEncoder
{
    /// <summary>[CLS] and two [SEP].</summary>
    public const int SpecialTokenCount = 3;

    readonly List<int> first = [], second = [];

    public BertPairEncoder(BertTokenizer tokenizer, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, SpecialTokenCount);
        Tokenizer = tokenizer;
        MaxLength = maxLength;
    }

    public BertTokenizer Tokenizer { get; }
    public int MaxLength { get; }

    /// <summary>
    /// Writes the encoding into the first <see cref="MaxLength"/> entries of <paramref name="tokenIds"/> and
    /// <paramref name="segmentIds"/>, padding after the valid part; returns the valid length.
    /// </summary>
    public int Encode(ReadOnlySpan<char> sentenceA, ReadOnlySpan<char> sentenceB, Span<int> tokenIds, Span<int> segmentIds)
    {
        first.Clear();
        second.Clear();
        Tokenizer.Tokenize(sentenceA, first);
        Tokenizer.Tokenize(sentenceB, second);
        (int lengthA, int lengthB) = TruncateLongestFirst(first.Count, second.Count, MaxLength - SpecialTokenCount);

        var vocabulary = Tokenizer.Vocabulary;
        tokenIds = tokenIds[..MaxLength];
        segmentIds = segmentIds[..MaxLength];
        int at = 0;
        tokenIds[at++] = vocabulary.ClsId;
        at += Copy(first, lengthA, tokenIds[at..]);
        tokenIds[at++] = vocabulary.SepId;
        int secondStart = at;
        at += Copy(second, lengthB, tokenIds[at..]);
        tokenIds[at++] = vocabulary.SepId;

        segmentIds[..secondStart].Clear();
        segmentIds[secondStart..at].Fill(1);
        segmentIds[at..].Clear();
        tokenIds[at..].Fill(vocabulary.PadId);
        return at;
    }

    /// <summary>
    /// The lengths left after removing tokens one at a time from the longer sequence (the second on a tie)
    /// until both fit in <paramref name="budget"/>: HuggingFace's longest_first and Google BERT's
    /// truncate_seq_pair.
    /// </summary>
    public static (int First, int Second) TruncateLongestFirst(int first, int second, int budget)
    {
        while (first + second > budget)
        {
            if (first > second) first--;
            else second--;
        }
        return (first, second);
    }

    static int Copy(List<int> source, int count, Span<int> destination)
    {
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(source)[..count].CopyTo(destination);
        return count;
    }
}
