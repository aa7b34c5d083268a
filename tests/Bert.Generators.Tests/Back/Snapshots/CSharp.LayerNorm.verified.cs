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
            var sumLanes = Vector256<float>.Zero;
            for (int j = 0; j <= 16 - 8; j += 8)
            {
                sumLanes += Vector256.Load(x + (row * 16 + j));
            }
            float sum = Vector256.Sum(sumLanes);

            float mu = sum / 16f;

            var squaresLanes = Vector256<float>.Zero;
            for (int j = 0; j <= 16 - 8; j += 8)
            {
                squaresLanes += (Vector256.Load(x + (row * 16 + j)) - Vector256.Create(mu)) * (Vector256.Load(x + (row * 16 + j)) - Vector256.Create(mu));
            }
            float squares = Vector256.Sum(squaresLanes);

            float r = KernelMath.Rsqrt(squares / 16f + eps);
            mean[row] = mu;
            rstd[row] = r;

            for (int j = 0; j <= 16 - 8; j += 8)
            {
                Vector256.Store((((Vector256.Load(x + (row * 16 + j)) - Vector256.Create(mu)) * Vector256.Create(r)) * Vector256.Load(gamma + j)) + Vector256.Load(beta + j), y + (row * 16 + j));
            }
        }
    });
}
