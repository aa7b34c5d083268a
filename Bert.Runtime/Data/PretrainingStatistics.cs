namespace Bert.Runtime.Data;

/// <summary>
/// Summary of a dataset's examples. Replacement kinds are read back from the tokens: a predicted position
/// holding &lt;mask&gt; was masked, one holding its label was kept, anything else was randomised (a random draw
/// that hits &lt;mask&gt; or the original, 1 in |V|, is counted as those).
/// </summary>
public readonly record struct PretrainingStatistics(
    int Examples, long UnpaddedTokens, long Predictions, long Masked, long Kept, long Randomised, int NextSentencePositives)
{
    /// <summary>Predicted positions over unpadded tokens (≈ 0.15).</summary>
    public double MaskedFraction => Fraction(Predictions, UnpaddedTokens);
    public double NspPositiveFraction => Fraction(NextSentencePositives, Examples);
    /// <summary>Shares of the predictions replaced by &lt;mask&gt; (≈ 0.8), kept (≈ 0.1), randomised (≈ 0.1).</summary>
    public double MaskShare => Fraction(Masked, Predictions);
    public double KeepShare => Fraction(Kept, Predictions);
    public double RandomShare => Fraction(Randomised, Predictions);

    static double Fraction(long part, long whole) => whole == 0 ? 0 : (double)part / whole;

    internal static PretrainingStatistics Of(PretrainingDataset data)
    {
        long unpadded = 0, predictions = 0, masked = 0, kept = 0;
        int positives = 0;
        ReadOnlySpan<int> tokens = data.Tokens, positions = data.PredPositions, labels = data.PredLabels;
        ReadOnlySpan<float> weights = data.PredWeights;
        for (int i = 0; i < data.Count; i++)
        {
            unpadded += data.ValidLens[i];
            positives += data.NspLabels[i];
            for (int t = i * data.MaxPredictions; t < (i + 1) * data.MaxPredictions && weights[t] != 0; t++)
            {
                predictions++;
                int token = tokens[i * data.MaxLen + positions[t]];
                if (token == data.Vocabulary.MaskId) masked++;
                else if (token == labels[t]) kept++;
            }
        }
        return new(data.Count, unpadded, predictions, masked, kept, predictions - masked - kept, positives);
    }
}
