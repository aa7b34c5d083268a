namespace Bert.Runtime.Data.Mrpc;

/// <summary>How long the rows of a batch are.</summary>
public enum BatchPadding
{
    /// <summary>The longest example in the batch: the least padding.</summary>
    LongestInBatch,
    /// <summary>The key of the batch's bucket: at most as many distinct shapes as buckets.</summary>
    BucketKey,
    /// <summary>The encoding's maximum length: one shape for every batch.</summary>
    MaxLength,
}

/// <summary>
/// A batch of encoded sentence pairs, row-major [Size, SequenceLength]; rows are padded with [PAD] and segment 0
/// after their valid length.
/// </summary>
public sealed record SentencePairBatch(
    int Size,
    int SequenceLength,
    int[] TokenIds,
    int[] SegmentIds,
    int[] ValidLengths,
    int[] Labels,
    int[] ExampleIndices);
