namespace Bert.Samples.Tests.Finetuning;

/// <summary>
/// HuggingFace BertForSequenceClassification's forward pass (eval mode) written as plain fp64 loops over a
/// dictionary of named tensors: the independent reference the compiled classifier is checked against.
/// </summary>
sealed class HfBertReference(IReadOnlyDictionary<string, float[]> weights, int layers, int hidden, int heads, int ffn, double eps)
{
    float[] W(string name) => weights[name];

    /// <summary>
    /// Encodings [seq, hidden] of one sequence (positions past validLength are not attended to) and its two logits,
    /// the pooler reading the [CLS] token (HuggingFace's) or the mean over the valid tokens.
    /// </summary>
    public (double[,] Encodings, double[] Logits) Run(int[] tokens, int[] segments, int validLength, bool meanPooling = false)
    {
        int seq = tokens.Length;
        var x = new double[seq, hidden];
        for (int t = 0; t < seq; t++)
            for (int h = 0; h < hidden; h++)
                x[t, h] = W("bert.embeddings.word_embeddings.weight")[tokens[t] * hidden + h]
                        + W("bert.embeddings.position_embeddings.weight")[t * hidden + h]
                        + W("bert.embeddings.token_type_embeddings.weight")[segments[t] * hidden + h];
        x = LayerNorm(x, "bert.embeddings.LayerNorm");
        for (int l = 0; l < layers; l++)
        {
            string p = $"bert.encoder.layer.{l}.";
            var q = Dense(x, p + "attention.self.query");
            var k = Dense(x, p + "attention.self.key");
            var v = Dense(x, p + "attention.self.value");
            var context = new double[seq, hidden];
            int d = hidden / heads;
            for (int head = 0; head < heads; head++)
                for (int i = 0; i < seq; i++)
                {
                    var scores = new double[validLength];
                    double max = double.NegativeInfinity, sum = 0;
                    for (int j = 0; j < validLength; j++)
                    {
                        for (int c = 0; c < d; c++) scores[j] += q[i, head * d + c] * k[j, head * d + c];
                        scores[j] /= Math.Sqrt(d);
                        max = Math.Max(max, scores[j]);
                    }
                    for (int j = 0; j < validLength; j++) sum += scores[j] = Math.Exp(scores[j] - max);
                    for (int j = 0; j < validLength; j++)
                        for (int c = 0; c < d; c++) context[i, head * d + c] += scores[j] / sum * v[j, head * d + c];
                }
            x = LayerNorm(Add(Dense(context, p + "attention.output.dense"), x), p + "attention.output.LayerNorm");
            var intermediate = Dense(x, p + "intermediate.dense");
            for (int t = 0; t < seq; t++)
                for (int c = 0; c < ffn; c++) intermediate[t, c] = Gelu(intermediate[t, c]);
            x = LayerNorm(Add(Dense(intermediate, p + "output.dense"), x), p + "output.LayerNorm");
        }

        var pooledInput = new double[1, hidden];
        int pooledTokens = meanPooling ? validLength : 1;
        for (int t = 0; t < pooledTokens; t++)
            for (int h = 0; h < hidden; h++) pooledInput[0, h] += x[t, h] / pooledTokens;
        var pooled = Dense(pooledInput, "bert.pooler.dense");
        for (int h = 0; h < hidden; h++) pooled[0, h] = Math.Tanh(pooled[0, h]);
        var logits = Dense(pooled, "classifier");
        return (x, [logits[0, 0], logits[0, 1]]);
    }

    static double Gelu(double v) => 0.5 * v * (1 + Erf(v / Math.Sqrt(2)));

    // erf from the Chebyshev fit of erfc in Numerical Recipes (fractional error below 1.2e-7): independent of the
    // runtime's KernelMath.Erf and accurate enough for a 1e-5 comparison.
    static double Erf(double v)
    {
        double t = 1 / (1 + 0.5 * Math.Abs(v));
        double y = 1 - t * Math.Exp(-v * v - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return v >= 0 ? y : -y;
    }

    double[,] Dense(double[,] input, string prefix)
    {
        var weight = W(prefix + ".weight");
        var bias = W(prefix + ".bias");
        int rows = input.GetLength(0), inputs = input.GetLength(1), outputs = bias.Length;
        var result = new double[rows, outputs];
        for (int r = 0; r < rows; r++)
            for (int o = 0; o < outputs; o++)
            {
                double s = bias[o];
                for (int i = 0; i < inputs; i++) s += input[r, i] * weight[o * inputs + i];
                result[r, o] = s;
            }
        return result;
    }

    static double[,] Add(double[,] a, double[,] b)
    {
        var result = (double[,])a.Clone();
        for (int r = 0; r < a.GetLength(0); r++)
            for (int c = 0; c < a.GetLength(1); c++) result[r, c] += b[r, c];
        return result;
    }

    double[,] LayerNorm(double[,] input, string prefix)
    {
        var gamma = W(prefix + ".weight");
        var beta = W(prefix + ".bias");
        int rows = input.GetLength(0), width = input.GetLength(1);
        var result = new double[rows, width];
        for (int r = 0; r < rows; r++)
        {
            double mean = 0, variance = 0;
            for (int c = 0; c < width; c++) mean += input[r, c] / width;
            for (int c = 0; c < width; c++) variance += (input[r, c] - mean) * (input[r, c] - mean) / width;
            for (int c = 0; c < width; c++) result[r, c] = (input[r, c] - mean) / Math.Sqrt(variance + eps) * gamma[c] + beta[c];
        }
        return result;
    }
}
