// Fuses: Scale, MaskedSoftmax
private static void Encoder_AttentionSoftmax(
    float* scores,
    int* validLens,
    float* probs,
    float scale,
    int Batch,
    int Seq)
{
    ParallelRows.For(2 * Batch * Seq, KernelGrain.Rows(Seq), (start, end) =>
    {
        for (int row = start; row < end; row++)
        {
            int valid = validLens[row / (2 * Seq)];

            float rowMax = float.NegativeInfinity;
            for (int j = 0; j < Seq; j++)
            {
                rowMax = MathF.Max(rowMax, j < valid ? scores[row * Seq + j] * scale : float.NegativeInfinity);
            }

            for (int j = 0; j < Seq; j++)
            {
                probs[row * Seq + j] = j < valid ? MathF.Exp(scores[row * Seq + j] * scale - rowMax) : 0f;
            }

            float total = 0f;
            for (int j = 0; j < Seq; j++)
            {
                total += probs[row * Seq + j];
            }

            float inverse = 1f / total;

            for (int j = 0; j < Seq; j++)
            {
                probs[row * Seq + j] = probs[row * Seq + j] * inverse;
            }
        }
    });
}
