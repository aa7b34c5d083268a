namespace Bert.Runtime.Data;

/// <summary>
/// One batch: zero-copy views of <see cref="Size"/> consecutive packed rows, valid until the iterator's next
/// <see cref="PretrainingBatches.Next"/> call. Layouts as in <see cref="PretrainingDataset"/>.
/// </summary>
public readonly ref struct PretrainingBatch
{
    internal PretrainingBatch(int epoch, int index, int size, int maxLen, int maxPredictions,
        ReadOnlySpan<int> tokens, ReadOnlySpan<int> segments, ReadOnlySpan<int> validLens,
        ReadOnlySpan<int> predPositions, ReadOnlySpan<int> predLabels, ReadOnlySpan<float> predWeights,
        ReadOnlySpan<int> nspLabels)
    {
        Epoch = epoch; Index = index; Size = size; MaxLen = maxLen; MaxPredictions = maxPredictions;
        Tokens = tokens; Segments = segments; ValidLens = validLens;
        PredPositions = predPositions; PredLabels = predLabels; PredWeights = predWeights; NspLabels = nspLabels;
    }

    public int Epoch { get; }
    /// <summary>Position of this batch within its epoch.</summary>
    public int Index { get; }
    /// <summary>Examples in this batch (the batch size, or fewer for an epoch's last batch).</summary>
    public int Size { get; }
    public int MaxLen { get; }
    public int MaxPredictions { get; }
    /// <summary>[Size × MaxLen]</summary>
    public ReadOnlySpan<int> Tokens { get; }
    /// <summary>[Size × MaxLen]</summary>
    public ReadOnlySpan<int> Segments { get; }
    /// <summary>[Size]</summary>
    public ReadOnlySpan<int> ValidLens { get; }
    /// <summary>[Size × MaxPredictions]</summary>
    public ReadOnlySpan<int> PredPositions { get; }
    /// <summary>[Size × MaxPredictions]</summary>
    public ReadOnlySpan<int> PredLabels { get; }
    /// <summary>[Size × MaxPredictions]: 1 for a real prediction, 0 for padding.</summary>
    public ReadOnlySpan<float> PredWeights { get; }
    /// <summary>[Size]: 1 when the second sentence really follows the first.</summary>
    public ReadOnlySpan<int> NspLabels { get; }

    /// <summary>Prediction slots with weight &gt; 0 (the real ones; the rest pad each example to MaxPredictions).</summary>
    public int RealPredictions()
    {
        int count = 0;
        foreach (float weight in PredWeights) if (weight > 0) count++;
        return count;
    }
}
