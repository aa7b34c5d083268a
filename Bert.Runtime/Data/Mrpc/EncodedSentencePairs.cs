using Bert.Runtime.Text;

namespace Bert.Runtime.Data.Mrpc;

/// <summary>
/// Sentence pairs encoded once as "[CLS] a [SEP] b [SEP]" (truncated to MaxLength, not padded) and packed end to
/// end: example i occupies [Offset(i), Offset(i) + ValidLength(i)) of the token and segment arrays.
/// </summary>
public sealed class EncodedSentencePairs
{
    readonly int[] tokenIds, segmentIds, offsets, labels;

    EncodedSentencePairs(int maxLength, int[] tokenIds, int[] segmentIds, int[] offsets, int[] labels)
    {
        MaxLength = maxLength;
        this.tokenIds = tokenIds;
        this.segmentIds = segmentIds;
        this.offsets = offsets;
        this.labels = labels;
    }

    public static EncodedSentencePairs Encode(BertTokenizer tokenizer, IReadOnlyList<MrpcPair> pairs, int maxLength)
    {
        var encoder = new BertPairEncoder(tokenizer, maxLength);
        var tokens = new List<int>(pairs.Count * maxLength / 2);
        var segments = new List<int>(tokens.Capacity);
        var offsets = new int[pairs.Count + 1];
        var labels = new int[pairs.Count];
        var rowTokens = new int[maxLength];
        var rowSegments = new int[maxLength];
        for (int i = 0; i < pairs.Count; i++)
        {
            int length = encoder.Encode(pairs[i].Sentence1, pairs[i].Sentence2, rowTokens, rowSegments);
            tokens.AddRange(rowTokens.AsSpan(0, length));
            segments.AddRange(rowSegments.AsSpan(0, length));
            offsets[i + 1] = offsets[i] + length;
            labels[i] = pairs[i].Label;
        }
        return new EncodedSentencePairs(maxLength, [.. tokens], [.. segments], offsets, labels);
    }

    public int Count => labels.Length;

    /// <summary>The length every example was truncated to fit, special tokens included.</summary>
    public int MaxLength { get; }

    public int ValidLength(int example) => offsets[example + 1] - offsets[example];
    public ReadOnlySpan<int> TokenIds(int example) => tokenIds.AsSpan(offsets[example], ValidLength(example));
    public ReadOnlySpan<int> SegmentIds(int example) => segmentIds.AsSpan(offsets[example], ValidLength(example));
    public int Label(int example) => labels[example];

    /// <summary>Every example's valid length, in example order (the bucketing key).</summary>
    public int[] ValidLengths() => [.. Enumerable.Range(0, Count).Select(ValidLength)];
}
