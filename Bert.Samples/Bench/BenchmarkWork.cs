namespace Bert.Samples.Bench;

/// <summary>
/// What one timed run of a benchmark computes, so the report can turn its median time into rates:
/// <paramref name="GemmFlops"/> floating-point operations in matrix products (2 per multiply-add) and
/// <paramref name="Items"/> units of work named <paramref name="ItemName"/> (for example sentence pairs), and for model
/// steps the real (unpadded) <paramref name="Tokens"/> they hold, so that steps of different batches compare per token.
/// </summary>
public sealed record BenchmarkWork(double GemmFlops, double Items, string ItemName, double? Tokens = null)
{
    /// <summary>
    /// Multiply-adds ×2 of the encoder's matrix products over a padded [batch, seq] batch (projections, attention
    /// scores and context, feed-forward): the tutorial's work, padding included, so that a model that skips padding
    /// reports an effective rate.
    /// </summary>
    public static double EncoderForwardFlops(int layers, int hidden, int ffnHidden, int batch, int seq)
    {
        double tokens = (double)batch * seq, h = hidden;
        double projections = 4 * 2 * tokens * h * h;
        double attention = 2 * 2 * batch * (double)seq * seq * h;
        double feedForward = 2 * 2 * tokens * h * ffnHidden;
        return layers * (projections + attention + feedForward);
    }
}
