using Bert.Runtime.Data;

namespace Bert.Runtime.Tests.Data;

public class PretrainingBatchesTests
{
    static readonly WikiTextCorpus Corpus = TestText.Corpus(TestText.Synthetic(300));

    static PretrainingDataset Build(int batchSize, bool dynamicMasking = false, ulong seed = 3) =>
        PretrainingDataset.Build(Corpus, Corpus.BuildVocabulary(),
            new PretrainingOptions { BatchSize = batchSize, Seed = seed, DynamicMasking = dynamicMasking });

    /// <summary>One row as text: its original (unmasked) tokens, segments and NSP label.</summary>
    static string Example(ReadOnlySpan<int> tokens, ReadOnlySpan<int> positions, ReadOnlySpan<int> labels,
                          ReadOnlySpan<float> weights, ReadOnlySpan<int> segments, int nsp)
    {
        int[] original = tokens.ToArray();
        for (int t = 0; t < positions.Length && weights[t] != 0; t++) original[positions[t]] = labels[t];
        return $"{string.Join(',', original)}|{string.Join(',', segments.ToArray())}|{nsp}";
    }

    static List<string> Epoch(PretrainingBatches batches, out List<string> masked)
    {
        var rows = new List<string>();
        masked = [];
        for (int b = 0; b < batches.BatchesPerEpoch; b++)
        {
            var batch = batches.Next();
            int l = batch.MaxLen, p = batch.MaxPredictions;
            for (int i = 0; i < batch.Size; i++)
            {
                rows.Add(Example(batch.Tokens.Slice(i * l, l), batch.PredPositions.Slice(i * p, p), batch.PredLabels.Slice(i * p, p),
                    batch.PredWeights.Slice(i * p, p), batch.Segments.Slice(i * l, l), batch.NspLabels[i]));
                masked.Add(rows[^1] + "#" + string.Join(',', batch.Tokens.Slice(i * l, l).ToArray()));
            }
        }
        return rows;
    }

    static List<string> DatasetRows(PretrainingDataset data) =>
        Enumerable.Range(0, data.Count).Select(i => Example(data.Tokens.Slice(i * data.MaxLen, data.MaxLen),
            data.PredPositions.Slice(i * data.MaxPredictions, data.MaxPredictions),
            data.PredLabels.Slice(i * data.MaxPredictions, data.MaxPredictions),
            data.PredWeights.Slice(i * data.MaxPredictions, data.MaxPredictions),
            data.Segments.Slice(i * data.MaxLen, data.MaxLen), data.NspLabels[i])).ToList();

    [Fact]
    public void Each_epoch_is_a_shuffled_permutation_of_the_dataset_in_full_batches_and_one_partial()
    {
        var data = Build(batchSize: 64);
        var batches = data.Batches();
        Assert.Equal((data.Count + 63) / 64, batches.BatchesPerEpoch);
        var sizes = new List<int>();
        var epochs = new List<List<string>>();
        for (int e = 0; e < 2; e++)
        {
            var rows = new List<string>();
            for (int b = 0; b < batches.BatchesPerEpoch; b++)
            {
                var batch = batches.Next();
                Assert.Equal((e, b), (batch.Epoch, batch.Index));
                sizes.Add(batch.Size);
                Assert.Equal(batch.Size * batch.MaxLen, batch.Tokens.Length);
                Assert.Equal(batch.Size * batch.MaxPredictions, batch.PredWeights.Length);
            }
            epochs.Add(rows);
        }
        Assert.All(sizes.Where((_, i) => (i + 1) % batches.BatchesPerEpoch != 0), s => Assert.Equal(64, s));
        Assert.Equal(data.Count - 64 * (batches.BatchesPerEpoch - 1), sizes[batches.BatchesPerEpoch - 1]);

        var fresh = data.Batches();
        var epoch0 = Epoch(fresh, out _);
        var epoch1 = Epoch(fresh, out _);
        var expected = DatasetRows(data);
        Assert.Equal(expected.Order(), epoch0.Order());
        Assert.Equal(expected.Order(), epoch1.Order());
        Assert.NotEqual(expected, epoch0);
        Assert.NotEqual(epoch0, epoch1);
    }

    [Fact]
    public void Same_seed_gives_the_same_batches()
    {
        var a = Build(batchSize: 50).Batches();
        var b = Build(batchSize: 50).Batches();
        for (int e = 0; e < 2; e++) Assert.Equal(Epoch(a, out var ma), Epoch(b, out var mb));
        Epoch(a, out var lastA);
        Epoch(b, out var lastB);
        Assert.Equal(lastA, lastB);
    }

    [Fact]
    public void Unshuffled_batches_slice_the_dataset_in_order()
    {
        var data = Build(batchSize: 100);
        var batches = data.Batches(shuffle: false);
        Assert.Equal(DatasetRows(data), Epoch(batches, out _));
        Assert.Equal(DatasetRows(data), Epoch(batches, out _));
    }

    [Fact]
    public void Drop_last_skips_the_partial_batch()
    {
        var data = Build(batchSize: 64);
        var batches = data.Batches(dropLast: true);
        Assert.Equal(data.Count / 64, batches.BatchesPerEpoch);
        for (int b = 0; b < 3 * batches.BatchesPerEpoch; b++) Assert.Equal(64, batches.Next().Size);
        Assert.Contains("fewer than one batch", Assert.Throws<UserError>(() => Build(batchSize: 1_000_000).Batches(dropLast: true)).Message);
    }

    [Fact]
    public void Static_masking_repeats_masks_and_dynamic_masking_redraws_them()
    {
        HashSet<string> MaskedRows(PretrainingDataset data, int epochs)
        {
            var batches = data.Batches(shuffle: false);
            var all = new HashSet<string>();
            for (int e = 0; e < epochs; e++) { Epoch(batches, out var masked); all.UnionWith(masked); }
            return all;
        }
        var fixedMasks = Build(batchSize: 64);
        var dynamicMasks = Build(batchSize: 64, dynamicMasking: true);
        Assert.Equal(fixedMasks.Count, MaskedRows(fixedMasks, 3).Count);
        Assert.True(MaskedRows(dynamicMasks, 3).Count > 2 * dynamicMasks.Count);

        // The unmasked examples stay the same; only the masks change.
        var batches = dynamicMasks.Batches();
        var epoch0 = Epoch(batches, out _);
        var epoch1 = Epoch(batches, out _);
        Assert.Equal(epoch0.Order(), epoch1.Order());
        Assert.Equal(DatasetRows(dynamicMasks).Order(), epoch1.Order());
    }
}
