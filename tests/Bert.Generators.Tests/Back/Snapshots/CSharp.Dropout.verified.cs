// Fuses: Dropout
private static void Encoder_AttentionDropout(float* x, float* y, float p, ulong seed, int Batch, int Seq)
{
    ParallelRows.For(16 * Batch * Seq, KernelGrain.Elements, (start, end) =>
    {
        for (int i = start; i < end; i++)
        {
            float u = Philox.Uniform(seed, (ulong)i);
            y[i] = u < p ? 0f : x[i] / (1f - p);
        }
    });
}
