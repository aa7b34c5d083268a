// Fuses: LayerNorm
private static void Encoder_Norm1(
    float* x,
    float* gamma,
    float* beta,
    float* y,
    float* mean,
    float* rstd,
    float eps,
    int Batch,
    int Seq)
{
    ParallelRows.For(Batch * Seq, KernelGrain.Rows(16), (start, end) =>
    {
        for (int row = start; row < end; row++)
        {
            float sum = 0f;
            for (int j = 0; j < 16; j++)
            {
                sum += x[row * 16 + j];
            }

            float mu = sum / 16f;

            float squares = 0f;
            for (int j = 0; j < 16; j++)
            {
                squares += (x[row * 16 + j] - mu) * (x[row * 16 + j] - mu);
            }

            float r = KernelMath.Rsqrt(squares / 16f + eps);
            mean[row] = mu;
            rstd[row] = r;

            for (int j = 0; j < 16; j++)
            {
                y[row * 16 + j] = (x[row * 16 + j] - mu) * r * gamma[j] + beta[j];
            }
        }
    });
}
