// Fuses: LayerNorm
private static void Encoder_Norm1<TLanes>(
    float* x,
    float* gamma,
    float* beta,
    float* y,
    float* mean,
    float* rstd,
    float eps,
    int Batch,
    int Seq)
    where TLanes : struct, global::Bert.Runtime.Cpu.IFloatLanes<TLanes>
{
    ParallelRows.For(Batch * Seq, KernelGrain.Rows(16), (start, end) =>
    {
        for (int row = start; row < end; row++)
        {
            var sumLanes = TLanes.Zero;
            for (int j = 0; j <= 16 - TLanes.Count; j += TLanes.Count)
            {
                sumLanes += TLanes.Load(x + (row * 16 + j));
            }
            float sum = TLanes.Sum(sumLanes);

            float mu = sum / 16f;

            var squaresLanes = TLanes.Zero;
            for (int j = 0; j <= 16 - TLanes.Count; j += TLanes.Count)
            {
                squaresLanes += (TLanes.Load(x + (row * 16 + j)) - TLanes.Create(mu)) * (TLanes.Load(x + (row * 16 + j)) - TLanes.Create(mu));
            }
            float squares = TLanes.Sum(squaresLanes);

            float r = KernelMath.Rsqrt(squares / 16f + eps);
            mean[row] = mu;
            rstd[row] = r;

            for (int j = 0; j <= 16 - TLanes.Count; j += TLanes.Count)
            {
                TLanes.Store((((TLanes.Load(x + (row * 16 + j)) - TLanes.Create(mu)) * TLanes.Create(r)) * TLanes.Load(gamma + j)) + TLanes.Load(beta + j), y + (row * 16 + j));
            }
        }
    });
}
