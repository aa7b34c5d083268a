using Bert.Runtime.Text;

namespace Bert.Runtime.Data.Mrpc;

/// <summary>Turns encoded sentence pairs into padded, length-bucketed batches, epoch after epoch.</summary>
public sealed class SentencePairBatcher
{
    readonly EncodedSentencePairs data;
    readonly FixedBucketSampler sampler;
    readonly BatchPadding padding;
    readonly int padId;

    public SentencePairBatcher(
        EncodedSentencePairs data, WordPieceVocabulary vocabulary, int batchSize,
        BatchPadding padding = BatchPadding.LongestInBatch, int bucketCount = 10, bool shuffle = true, ulong seed = 0)
    {
        this.data = data;
        this.padding = padding;
        padId = vocabulary.PadId;
        sampler = new FixedBucketSampler(data.ValidLengths(), batchSize, bucketCount, shuffle, seed);
    }

    public int BatchCount => sampler.BatchCount;
    public FixedBucketSampler Sampler => sampler;

    public IEnumerable<SentencePairBatch> Epoch(int epoch)
    {
        foreach ((int bucketKey, int[] examples) in sampler.Epoch(epoch))
            yield return Assemble(examples, bucketKey);
    }

    SentencePairBatch Assemble(int[] examples, int bucketKey)
    {
        int[] validLengths = [.. examples.Select(data.ValidLength)];
        int length = padding switch
        {
            BatchPadding.LongestInBatch => validLengths.Max(),
            BatchPadding.BucketKey => bucketKey,
            _ => data.MaxLength,
        };
        var tokens = new int[examples.Length * length];
        var segments = new int[examples.Length * length];
        tokens.AsSpan().Fill(padId);
        for (int row = 0; row < examples.Length; row++)
        {
            data.TokenIds(examples[row]).CopyTo(tokens.AsSpan(row * length));
            data.SegmentIds(examples[row]).CopyTo(segments.AsSpan(row * length));
        }
        int[] labels = [.. examples.Select(data.Label)];
        return new SentencePairBatch(examples.Length, length, tokens, segments, validLengths, labels, examples);
    }
}
