// Fuses: Embedding (backward)
private static void TokenEmbedding_Backward<TLanes>(int* ids, float* dOut, float* dTable, int Batch, int Seq)
    where TLanes : struct, global::Bert.Runtime.Cpu.IFloatLanes<TLanes>
{
    // Rows may add into the same elements: each thread takes its own columns and runs every row over them, in order.
    ParallelRows.For(16, KernelGrain.Columns, (firstColumn, endColumn) =>
    {
        for (int row = 0; row < Batch * Seq; row++)
        {
            int id = ids[row];

            int j = firstColumn;
            for (; j <= endColumn - TLanes.Count; j += TLanes.Count)
            {
                TLanes.Store(TLanes.Load(dTable + (id * 16 + j)) + TLanes.Load(dOut + (row * 16 + j)), dTable + (id * 16 + j));
            }
            for (; j < endColumn; j++)
            {
                dTable[id * 16 + j] += dOut[row * 16 + j];
            }
        }
    });
}
