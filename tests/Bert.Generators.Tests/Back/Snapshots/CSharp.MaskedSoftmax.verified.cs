// Fuses: Scale, MaskedSoftmax
private static void Encoder_AttentionSoftmax<TLanes>(
    float* scores,
    int* validLens,
    float* probs,
    float scale,
    int Batch,
    int Seq)
    where TLanes : struct, global::Bert.Runtime.Cpu.IFloatLanes<TLanes>
{
    ParallelRows.For(2 * Batch * Seq, KernelGrain.Rows(Seq), (start, end) =>
    {
        for (int row = start; row < end; row++)
        {
            int valid = validLens[row / (2 * Seq)];

            var rowMaxLanes = TLanes.Create(float.NegativeInfinity);
            for (int j = 0; j <= Seq - TLanes.Count; j += TLanes.Count)
            {
                rowMaxLanes = TLanes.Max(rowMaxLanes, TLanes.Select(TLanes.LessThan(TLanes.Columns(j), TLanes.Create(valid)), TLanes.Load(scores + (row * Seq + j)) * TLanes.Create(scale), TLanes.Create(float.NegativeInfinity)));
            }
            float rowMax = TLanes.MaxAcross(rowMaxLanes);
            for (int j = Seq - Seq % TLanes.Count; j < Seq; j++)
            {
                rowMax = MathF.Max(rowMax, j < valid ? scores[row * Seq + j] * scale : float.NegativeInfinity);
            }

            var totalLanes = TLanes.Zero;
            for (int j = 0; j <= Seq - TLanes.Count; j += TLanes.Count)
            {
                TLanes.Store(TLanes.Select(TLanes.LessThan(TLanes.Columns(j), TLanes.Create(valid)), KernelMath.Exp((TLanes.Load(scores + (row * Seq + j)) * TLanes.Create(scale)) - TLanes.Create(rowMax)), TLanes.Create(0f)), probs + (row * Seq + j));
                totalLanes += TLanes.Load(probs + (row * Seq + j));
            }
            float total = TLanes.Sum(totalLanes);
            for (int j = Seq - Seq % TLanes.Count; j < Seq; j++)
            {
                probs[row * Seq + j] = j < valid ? MathF.Exp(scores[row * Seq + j] * scale - rowMax) : 0f;
                total += probs[row * Seq + j];
            }

            float inverse = 1f / total;

            for (int j = 0; j <= Seq - TLanes.Count; j += TLanes.Count)
            {
                TLanes.Store(TLanes.Load(probs + (row * Seq + j)) * TLanes.Create(inverse), probs + (row * Seq + j));
            }
            for (int j = Seq - Seq % TLanes.Count; j < Seq; j++)
            {
                probs[row * Seq + j] = probs[row * Seq + j] * inverse;
            }
        }
    });
}
