using Bert.Graph;
using static Bert.Graph.Ops;

namespace Bert.Samples.Models;

/// <summary>
/// One post-norm Transformer encoder layer: multi-head self-attention, then a position-wise feed-forward
/// network, each followed by dropout, a residual connection and LayerNorm. Its dimensions, dropout
/// probability, LayerNorm epsilon and feed-forward activation (<see cref="FfnGelu"/> 1: GELU as in Google BERT,
/// 0: ReLU as in the d2l tutorial) are the using model's.
/// The layer's input is the batch's real tokens only, [Tokens, Hidden] (no padding): every per-token op (projections,
/// feed-forward, dropout, LayerNorm) skips the padding, and only the attention products run on padded sequences,
/// gathered through <c>paddedRows</c> [Batch, Seq] (each slot's token row; slots past a sequence's length are masked
/// keys and unread queries) and back through <c>tokenRows</c> [Tokens] (each token's slot b·Seq + t).
/// </summary>
[Block]
public partial class EncoderBlock
{
    [Dim] public int Hidden, Heads, FfnHidden, FfnGelu;
    [Hyper] public float Dropout, NormEps;

    [Param("Hidden, Hidden", Hf = "attention.self.query.weight")] public Tensor QueryWeight;
    [Param("Hidden", Init = Init.Zeros, Hf = "attention.self.query.bias")] public Tensor QueryBias;
    [Param("Hidden, Hidden", Hf = "attention.self.key.weight")] public Tensor KeyWeight;
    [Param("Hidden", Init = Init.Zeros, Hf = "attention.self.key.bias")] public Tensor KeyBias;
    [Param("Hidden, Hidden", Hf = "attention.self.value.weight")] public Tensor ValueWeight;
    [Param("Hidden", Init = Init.Zeros, Hf = "attention.self.value.bias")] public Tensor ValueBias;
    [Param("Hidden, Hidden", Hf = "attention.output.dense.weight")] public Tensor OutputWeight;
    [Param("Hidden", Init = Init.Zeros, Hf = "attention.output.dense.bias")] public Tensor OutputBias;
    [Param("Hidden", Init = Init.Ones, Hf = "attention.output.LayerNorm.weight")] public Tensor Norm1Gamma;
    [Param("Hidden", Init = Init.Zeros, Hf = "attention.output.LayerNorm.bias")] public Tensor Norm1Beta;
    [Param("FfnHidden, Hidden", Hf = "intermediate.dense.weight")] public Tensor FfnInWeight;
    [Param("FfnHidden", Init = Init.Zeros, Hf = "intermediate.dense.bias")] public Tensor FfnInBias;
    [Param("Hidden, FfnHidden", Hf = "output.dense.weight")] public Tensor FfnOutWeight;
    [Param("Hidden", Init = Init.Zeros, Hf = "output.dense.bias")] public Tensor FfnOutBias;
    [Param("Hidden", Init = Init.Ones, Hf = "output.LayerNorm.weight")] public Tensor Norm2Gamma;
    [Param("Hidden", Init = Init.Zeros, Hf = "output.LayerNorm.bias")] public Tensor Norm2Beta;

    [Forward]
    public Tensor Forward(Tensor x, IntTensor validLens, IntTensor paddedRows, IntTensor tokenRows)
    {
        // Self-attention: per-head scaled dot products, masked past each sequence's valid length.
        var query = Dense(x, QueryWeight, QueryBias);
        var key = Dense(x, KeyWeight, KeyBias);
        var value = Dense(x, ValueWeight, ValueBias);
        var q = SplitHeads(GatherRows(query, paddedRows), Heads);
        var k = SplitHeads(GatherRows(key, paddedRows), Heads);
        var v = SplitHeads(GatherRows(value, paddedRows), Heads);
        var scores = MatMulTransposed(q, k) * (1f / MathF.Sqrt(Hidden / Heads));
        var attention = Dropout(MaskedSoftmax(scores, validLens), Dropout);
        var merged = MergeHeads(MatMul(attention, v));
        var context = GatherRows(merged, tokenRows);
        x = LayerNorm(x + Dropout(Dense(context, OutputWeight, OutputBias), Dropout), Norm1Gamma, Norm1Beta, NormEps);

        // Feed-forward network; the activation is a compile-time choice of the model.
        var ffn = Dense(x, FfnInWeight, FfnInBias);
        var h = FfnGelu == 1 ? Gelu(ffn) : Relu(ffn);
        return LayerNorm(x + Dropout(Dense(h, FfnOutWeight, FfnOutBias), Dropout), Norm2Gamma, Norm2Beta, NormEps);
    }
}
