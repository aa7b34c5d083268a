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

            var rowMaxLanes = Vector256.Create(float.NegativeInfinity);
            for (int j = 0; j <= Seq - 8; j += 8)
            {
                rowMaxLanes = Vector256.Max(rowMaxLanes, Vector256.ConditionalSelect(Vector256.LessThan((Vector256.Create(j) + Vector256<int>.Indices), Vector256.Create(valid)).AsSingle(), Vector256.Load(scores + (row * Seq + j)) * Vector256.Create(scale), Vector256.Create(float.NegativeInfinity)));
            }
            float rowMax = KernelMath.MaxAcross(rowMaxLanes);
            for (int j = Seq - Seq % 8; j < Seq; j++)
            {
                rowMax = MathF.Max(rowMax, j < valid ? scores[row * Seq + j] * scale : float.NegativeInfinity);
            }

            var totalLanes = Vector256<float>.Zero;
            for (int j = 0; j <= Seq - 8; j += 8)
            {
                Vector256.Store(Vector256.ConditionalSelect(Vector256.LessThan((Vector256.Create(j) + Vector256<int>.Indices), Vector256.Create(valid)).AsSingle(), KernelMath.Exp((Vector256.Load(scores + (row * Seq + j)) * Vector256.Create(scale)) - Vector256.Create(rowMax)), Vector256.Create(0f)), probs + (row * Seq + j));
                totalLanes += Vector256.Load(probs + (row * Seq + j));
            }
            float total = Vector256.Sum(totalLanes);
            for (int j = Seq - Seq % 8; j < Seq; j++)
            {
                probs[row * Seq + j] = j < valid ? MathF.Exp(scores[row * Seq + j] * scale - rowMax) : 0f;
                total += probs[row * Seq + j];
            }

            float inverse = 1f / total;

            for (int j = 0; j <= Seq - 8; j += 8)
            {
                Vector256.Store(Vector256.Load(probs + (row * Seq + j)) * Vector256.Create(inverse), probs + (row * Seq + j));
            }
            for (int j = Seq - Seq % 8; j < Seq; j++)
            {
                probs[row * Seq + j] = probs[row * Seq + j] * inverse;
            }
        }
    });
}
