namespace Bert.Graph;

/// <summary>
/// The graph operations a [Forward] method is written with (<c>using static Bert.Graph.Ops;</c>).
/// The generator reads the calls and compiles them; the bodies never run.
/// </summary>
public static class Ops
{
    internal static InvalidOperationException NotExecutable() =>
        new("graph ops run only in generated code: call the generated Forward/Backward of the [Model] class");

    /// <summary>Rows of <paramref name="table"/> [V, H] picked by <paramref name="ids"/> [...] → [..., H].</summary>
    public static Tensor Embedding(Tensor table, IntTensor ids) => throw NotExecutable();

    /// <summary>The first <paramref name="length"/> rows of a learned position table [Max, H] → [length, H], broadcast when added to [B, length, H].</summary>
    public static Tensor Positions(Tensor table, int length) => throw NotExecutable();

    /// <summary><c>x · weightᵀ + bias</c> with weight [out, in] → [..., out].</summary>
    public static Tensor Dense(Tensor x, Tensor weight, Tensor bias) => throw NotExecutable();

    /// <summary><c>x · weightᵀ</c> with weight [out, in] → [..., out].</summary>
    public static Tensor Dense(Tensor x, Tensor weight) => throw NotExecutable();

    /// <summary>Batched <c>a · b</c>: [..., M, K] × [..., K, N] → [..., M, N].</summary>
    public static Tensor MatMul(Tensor a, Tensor b) => throw NotExecutable();

    /// <summary>Batched <c>a · bᵀ</c>: [..., M, K] × [..., N, K] → [..., M, N].</summary>
    public static Tensor MatMulTransposed(Tensor a, Tensor b) => throw NotExecutable();

    public static Tensor Scale(Tensor x, float factor) => throw NotExecutable();

    /// <summary>GELU, erf form: <c>x · ½(1 + erf(x/√2))</c>.</summary>
    public static Tensor Gelu(Tensor x) => throw NotExecutable();

    public static Tensor Relu(Tensor x) => throw NotExecutable();

    public static Tensor Tanh(Tensor x) => throw NotExecutable();

    /// <summary>Normalizes the last dimension, then scales by <paramref name="gamma"/> and shifts by <paramref name="beta"/>.</summary>
    public static Tensor LayerNorm(Tensor x, Tensor gamma, Tensor beta, float eps = 1e-5f) => throw NotExecutable();

    /// <summary>Zeroes elements with probability <paramref name="p"/> and scales the rest by 1/(1-p) while training.</summary>
    public static Tensor Dropout(Tensor x, float p) => throw NotExecutable();

    /// <summary>Softmax over the last dimension of scores [B, ..., Tq, Tk], keys at or past validLens[b] masked out.</summary>
    public static Tensor MaskedSoftmax(Tensor scores, IntTensor validLens) => throw NotExecutable();

    /// <summary>[B, T, H] → [B, heads, T, H/heads].</summary>
    public static Tensor SplitHeads(Tensor x, int heads) => throw NotExecutable();

    /// <summary>[B, heads, T, D] → [B, T, heads·D].</summary>
    public static Tensor MergeHeads(Tensor x) => throw NotExecutable();

    /// <summary>Rows x[b, positions[b, p]] of x [B, T, H] for positions [B, P] → [B, P, H].</summary>
    public static Tensor Gather(Tensor x, IntTensor positions) => throw NotExecutable();

    /// <summary>
    /// Rows of x [..., H] (its leading dimensions flattened, e.g. b·T + t for [B, T, H]) picked by the row indices
    /// rows [...] → [..., H]: a masked-language-model head that runs on the real prediction slots only, or padding
    /// and unpadding between a batch's tokens [Tokens, H] and its padded sequences [B, T, H].
    /// </summary>
    public static Tensor GatherRows(Tensor x, IntTensor rows) => throw NotExecutable();

    /// <summary>The token at <paramref name="index"/> of x [B, T, H] → [B, H].</summary>
    public static Tensor Token(Tensor x, int index) => throw NotExecutable();

    /// <summary>Mean softmax cross-entropy of logits [..., C] against labels [...] → scalar.</summary>
    public static Tensor CrossEntropy(Tensor logits, IntTensor labels) => throw NotExecutable();

    /// <summary><c>Σ w·ce / Σ w</c> of logits [..., C], labels [...], weights [...] → scalar.</summary>
    public static Tensor WeightedCrossEntropy(Tensor logits, IntTensor labels, Tensor weights) => throw NotExecutable();

    /// <summary>Names a result the caller can read after Forward; returns <paramref name="value"/>.</summary>
    public static Tensor Output(string name, Tensor value) => throw NotExecutable();
}
