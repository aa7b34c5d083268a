// Fuses: Dense(FfnIn) bias, Gelu
private static void Encoder_FfnBiasGelu(float* x, float* bias, float* h, int Batch, int Seq)
{
    ParallelRows.For(16 * Batch * Seq, KernelGrain.Elements, (start, end) =>
    {
        for (int i = start; i < end; i++)
        {
            float v = x[i] + bias[i % 16];
            h[i] = 0.5f * v * (1f + KernelMath.Erf(v * 0.70710677f));
        }
    });
}
