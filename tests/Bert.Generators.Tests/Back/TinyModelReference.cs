using Bert.Generators.Tests.Back.Support;

namespace Bert.Generators.Tests.Back;

/// <summary>Plain loops computing <see cref="TinyModelPlan"/>'s forward and backward (llm.c style), for comparison.</summary>
sealed class TinyModelReference
{
    const int H = TinyModelPlan.Hidden;

    public TinyModelReference(float[] parameters, int vocab, int[] tokens, float p, ulong seed)
    {
        int n = tokens.Length, count = n * H;
        var table = parameters.AsSpan(0, vocab * H);
        var w = parameters.AsSpan(vocab * H, H * H);
        var bias = parameters.AsSpan(vocab * H + H * H, H);
        bool Keep(int i) => ReferencePhilox.Uniform(seed, (ulong)i) >= p;

        // Forward: x = table[tokens]; y = x·Wᵀ + b; z = dropout(y); loss = Σ z² / count.
        var x = new float[count];
        var y = new float[count];
        Z = new float[count];
        for (int t = 0; t < n; t++)
            for (int c = 0; c < H; c++) x[t * H + c] = table[tokens[t] * H + c];
        for (int t = 0; t < n; t++)
        {
            for (int o = 0; o < H; o++)
            {
                float sum = 0f;
                for (int c = 0; c < H; c++) sum += x[t * H + c] * w[o * H + c];
                y[t * H + o] = sum + bias[o];
            }
        }
        double total = 0;
        for (int i = 0; i < count; i++)
        {
            Z[i] = Keep(i) ? y[i] / (1f - p) : 0f;
            total += Z[i] * Z[i];
        }
        Loss = (float)(total / count);

        // Backward.
        var dy = new float[count];
        for (int i = 0; i < count; i++) dy[i] = Keep(i) ? 2f * Z[i] / count / (1f - p) : 0f;
        Gradients = new float[parameters.Length];
        var dTable = Gradients.AsSpan(0, vocab * H);
        var dW = Gradients.AsSpan(vocab * H, H * H);
        var dBias = Gradients.AsSpan(vocab * H + H * H, H);
        for (int t = 0; t < n; t++)
        {
            for (int o = 0; o < H; o++)
            {
                dBias[o] += dy[t * H + o];
                for (int c = 0; c < H; c++)
                {
                    dW[o * H + c] += dy[t * H + o] * x[t * H + c];
                    dTable[tokens[t] * H + c] += dy[t * H + o] * w[o * H + c];
                }
            }
        }
    }

    public float Loss { get; }
    public float[] Z { get; }
    public float[] Gradients { get; }
}
