using Bert.Runtime.Data.Mrpc;
using Bert.Runtime.Tests.Text;
using Bert.Tests;

namespace Bert.Runtime.Tests.Mrpc;

public class SentencePairBatcherTests
{
    const int MaxLength = 64;
    const int BatchSize = 32;

    static readonly EncodedSentencePairs Train = EncodedSentencePairs.Encode(
        BertBaseVocabulary.Tokenizer, MrpcReader.ReadTrain(SharedData.Mrpc), MaxLength);

    static SentencePairBatcher Batcher(BatchPadding padding = BatchPadding.LongestInBatch, ulong seed = 7, bool shuffle = true) =>
        new(Train, BertBaseVocabulary.Tokenizer.Vocabulary, BatchSize, padding, bucketCount: 10, shuffle, seed);

    [Fact]
    public void EncodesEveryPairWithinTheMaximumLength()
    {
        Assert.Equal(4076, Train.Count);
        int cls = BertBaseVocabulary.IdOf("[CLS]"), sep = BertBaseVocabulary.IdOf("[SEP]");
        for (int i = 0; i < Train.Count; i++)
        {
            ReadOnlySpan<int> tokens = Train.TokenIds(i);
            ReadOnlySpan<int> segments = Train.SegmentIds(i);
            Assert.InRange(Train.ValidLength(i), 5, MaxLength);
            Assert.Equal(cls, tokens[0]);
            Assert.Equal(sep, tokens[^1]);
            Assert.Equal(0, segments[0]);
            Assert.Equal(1, segments[^1]);
        }
        // MRPC has pairs longer than 64 tokens: some must have been truncated to exactly the limit.
        Assert.Contains(Enumerable.Range(0, Train.Count), i => Train.ValidLength(i) == MaxLength);
    }

    [Fact]
    public void EveryExampleAppearsOncePerEpoch()
    {
        var batcher = Batcher();
        for (int epoch = 0; epoch < 2; epoch++)
        {
            var batches = batcher.Epoch(epoch).ToList();
            int[] seen = [.. batches.SelectMany(b => b.ExampleIndices).Order()];
            Assert.Equal(Enumerable.Range(0, Train.Count), seen);
            Assert.Equal(batcher.BatchCount, batches.Count);
        }
    }

    [Fact]
    public void IsDeterministicBySeedAndEpoch()
    {
        int[] Order(SentencePairBatcher b, int epoch) => [.. b.Epoch(epoch).SelectMany(x => x.ExampleIndices)];

        Assert.Equal(Order(Batcher(seed: 7), 0), Order(Batcher(seed: 7), 0));
        Assert.Equal(Order(Batcher(seed: 7), 3), Order(Batcher(seed: 7), 3));
        Assert.NotEqual(Order(Batcher(seed: 7), 0), Order(Batcher(seed: 8), 0));
        Assert.NotEqual(Order(Batcher(seed: 7), 0), Order(Batcher(seed: 7), 1));
    }

    [Theory]
    [InlineData(BatchPadding.LongestInBatch)]
    [InlineData(BatchPadding.BucketKey)]
    [InlineData(BatchPadding.MaxLength)]
    public void BatchesArePaddedAsAskedAndHoldOneBucket(BatchPadding padding)
    {
        var batcher = Batcher(padding);
        var keys = batcher.Sampler.BucketKeys;
        int pad = BertBaseVocabulary.IdOf("[PAD]");
        foreach (var batch in batcher.Epoch(0))
        {
            Assert.InRange(batch.Size, 1, BatchSize);
            int longest = batch.ValidLengths.Max();
            // All examples share one bucket: their lengths fall between two consecutive keys.
            int bucket = keys.Select((key, index) => (key, index)).First(k => k.key >= longest).index;
            int lowerBound = bucket == 0 ? 0 : keys[bucket - 1];
            Assert.All(batch.ValidLengths, length => Assert.InRange(length, lowerBound + 1, keys[bucket]));

            int expectedLength = padding switch
            {
                BatchPadding.LongestInBatch => longest,
                BatchPadding.BucketKey => keys[bucket],
                _ => MaxLength,
            };
            Assert.Equal(expectedLength, batch.SequenceLength);
            Assert.Equal(batch.Size * batch.SequenceLength, batch.TokenIds.Length);
            for (int row = 0; row < batch.Size; row++)
            {
                int example = batch.ExampleIndices[row];
                var tokens = batch.TokenIds.AsSpan(row * batch.SequenceLength, batch.SequenceLength);
                var segments = batch.SegmentIds.AsSpan(row * batch.SequenceLength, batch.SequenceLength);
                int valid = batch.ValidLengths[row];
                Assert.Equal(Train.ValidLength(example), valid);
                Assert.Equal(Train.Label(example), batch.Labels[row]);
                Assert.True(tokens[..valid].SequenceEqual(Train.TokenIds(example)));
                Assert.True(segments[..valid].SequenceEqual(Train.SegmentIds(example)));
                Assert.All(tokens[valid..].ToArray(), id => Assert.Equal(pad, id));
                Assert.All(segments[valid..].ToArray(), id => Assert.Equal(0, id));
            }
        }
    }
}
