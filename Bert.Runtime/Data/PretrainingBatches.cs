using Bert.Runtime.Training;
namespace Bert.Runtime.Data;

/// <summary>
/// Endless batch iterator over a <see cref="PretrainingDataset"/>. At each epoch start the rows are copied in a
/// seeded random order into the iterator's own arrays (and, with dynamic masking, re-masked from epoch 1 on),
/// so every batch is a contiguous slice. Without shuffling or re-masking it slices the dataset itself.
/// </summary>
public sealed class PretrainingBatches
{
    readonly PretrainingDataset data;
    readonly bool shuffle;
    int[] tokens, segments, validLens, predPositions, predLabels, nspLabels;
    float[] predWeights;
    int batchInEpoch;

    internal PretrainingBatches(PretrainingDataset data, bool shuffle, bool dropLast)
    {
        this.data = data;
        this.shuffle = shuffle;
        BatchSize = data.Options.BatchSize;
        BatchesPerEpoch = dropLast ? data.Count / BatchSize : (data.Count + BatchSize - 1) / BatchSize;
        if (BatchesPerEpoch == 0)
            throw new UserError($"The dataset has {data.Count} examples, fewer than one batch of {BatchSize}; lower the batch size.");
        (tokens, segments, validLens, predPositions, predLabels, predWeights, nspLabels) =
            (data.tokens, data.segments, data.validLens, data.predPositions, data.predLabels, data.predWeights, data.nspLabels);
        Epoch = -1;
        batchInEpoch = BatchesPerEpoch;
    }

    public int BatchSize { get; }
    public int BatchesPerEpoch { get; }
    /// <summary>Epoch of the last batch returned (−1 before the first).</summary>
    public int Epoch { get; private set; }

    /// <summary>The next batch; after an epoch's last batch, starts the next epoch.</summary>
    public PretrainingBatch Next()
    {
        if (batchInEpoch == BatchesPerEpoch) StartEpoch(Epoch + 1);
        int index = batchInEpoch++;
        int first = index * BatchSize, size = Math.Min(BatchSize, data.Count - first);
        int maxLen = data.MaxLen, maxPredictions = data.MaxPredictions;
        return new PretrainingBatch(Epoch, index, size, maxLen, maxPredictions,
            tokens.AsSpan(first * maxLen, size * maxLen), segments.AsSpan(first * maxLen, size * maxLen),
            validLens.AsSpan(first, size),
            predPositions.AsSpan(first * maxPredictions, size * maxPredictions),
            predLabels.AsSpan(first * maxPredictions, size * maxPredictions),
            predWeights.AsSpan(first * maxPredictions, size * maxPredictions),
            nspLabels.AsSpan(first, size));
    }

    void StartEpoch(int epoch)
    {
        Epoch = epoch;
        batchInEpoch = 0;
        bool remask = data.Options.DynamicMasking && epoch > 0;
        if (!shuffle && !remask) return;

        int[] order = new int[data.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        if (shuffle) new Prng(data.Options.Seed, Prng.Stream(StreamKind.EpochShuffle, epoch, 0)).Shuffle(order.AsSpan());
        if (ReferenceEquals(tokens, data.tokens)) AllocateCopies();

        Parallel.For(0, (order.Length + 4095) / 4096, task =>
        {
            int end = Math.Min(order.Length, (task + 1) * 4096);
            for (int i = task * 4096; i < end; i++)
            {
                CopyRow(order[i], i);
                if (!remask) continue;
                // Example k is re-masked from stream (epoch, k): independent of its position in this epoch.
                MaskedLanguageModel.Unmask(tokens.AsSpan(i * data.MaxLen, data.MaxLen), Row(predPositions, i),
                    Row(predLabels, i), predWeights.AsSpan(i * data.MaxPredictions, data.MaxPredictions));
                var rng = new Prng(data.Options.Seed, Prng.Stream(StreamKind.Masking, epoch, order[i]));
                data.MaskRow(i, ref rng, tokens, segments, validLens, predPositions, predLabels, predWeights);
            }
        });
    }

    Span<int> Row(int[] predictions, int i) => predictions.AsSpan(i * data.MaxPredictions, data.MaxPredictions);

    void AllocateCopies()
    {
        tokens = new int[data.tokens.Length];
        segments = new int[data.segments.Length];
        validLens = new int[data.validLens.Length];
        predPositions = new int[data.predPositions.Length];
        predLabels = new int[data.predLabels.Length];
        predWeights = new float[data.predWeights.Length];
        nspLabels = new int[data.nspLabels.Length];
    }

    void CopyRow(int from, int to)
    {
        int l = data.MaxLen, p = data.MaxPredictions;
        data.tokens.AsSpan(from * l, l).CopyTo(tokens.AsSpan(to * l));
        data.segments.AsSpan(from * l, l).CopyTo(segments.AsSpan(to * l));
        data.predPositions.AsSpan(from * p, p).CopyTo(predPositions.AsSpan(to * p));
        data.predLabels.AsSpan(from * p, p).CopyTo(predLabels.AsSpan(to * p));
        data.predWeights.AsSpan(from * p, p).CopyTo(predWeights.AsSpan(to * p));
        validLens[to] = data.validLens[from];
        nspLabels[to] = data.nspLabels[from];
    }
}
