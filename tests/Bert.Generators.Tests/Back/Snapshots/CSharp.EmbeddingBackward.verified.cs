// Fuses: Embedding (backward)
private static void TokenEmbedding_Backward(int* ids, float* dOut, float* dTable, int Batch, int Seq)
{
    // Rows may add into the same elements: run them in order.
    for (int row = 0; row < Batch * Seq; row++)
    {
        int id = ids[row];

        for (int j = 0; j < 16; j++)
        {
            dTable[id * 16 + j] += dOut[row * 16 + j];
        }
    }
}
