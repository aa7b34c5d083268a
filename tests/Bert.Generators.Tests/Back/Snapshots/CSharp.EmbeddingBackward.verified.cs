// Fuses: Embedding (backward)
private static void TokenEmbedding_Backward(int* ids, float* dOut, float* dTable, int Batch, int Seq)
{
    // Rows may add into the same elements: each thread takes its own columns and runs every row over them, in order.
    ParallelRows.For(16, KernelGrain.Columns, (firstColumn, endColumn) =>
    {
        for (int row = 0; row < Batch * Seq; row++)
        {
            int id = ids[row];

            for (int j = firstColumn; j < endColumn; j++)
            {
                dTable[id * 16 + j] += dOut[row * 16 + j];
            }
        }
    });
}
