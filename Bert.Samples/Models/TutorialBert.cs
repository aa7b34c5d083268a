using Bert.Graph;
using static Bert.Graph.Ops;

namespace Bert.Samples.Models;

/// <summary>
/// The d2l "BERT from scratch" model: token + segment + learned position embeddings, two encoder layers,
/// a masked-language-model head and a next-sentence head. The generator compiles it into fused kernels.
/// Unlike the tutorial, it does no work on padding: the batch arrives as its real tokens only ([Tokens]: each
/// sequence's tokens one after another, <see cref="TokenRows"/> saying where each sat in the padded [Batch, Seq]
/// batch), so embeddings, projections, feed-forward layers, dropout and LayerNorms skip the ~30 % of padded slots
/// and only attention runs on padded sequences (see <see cref="EncoderBlock"/>); and the MLM head runs on the real
/// prediction slots only (<see cref="MaskedRows"/>), not on each example's zero-weight padding up to 10 slots.
/// The losses and gradients are the tutorial's; padded slots never reached them.
/// </summary>
[Model]
public partial class TutorialBert
{
    // Compile-time dimensions (folded into sizes) and run-time dimensions (symbols).
    [Dim] public const int Hidden = 128, Heads = 2, FfnHidden = 256, Layers = 2, MaxPositions = 1000, FfnGelu = 0;
    [Dim] public int Vocab;                        // fixed when the model is created
    [Dim] public int Batch, Seq, Tokens, Masked;   // bound per step (Tokens: real tokens; Masked: real prediction slots)
    [Hyper] public float Dropout = 0.2f;
    [Hyper] public const float NormEps = 1e-5f;

    [Input("Tokens")] public IntTensor TokenIds;
    [Input("Tokens")] public IntTensor Segments;
    [Input("Tokens")] public IntTensor PositionIds;       // each token's position in its sequence
    [Input("Tokens")] public IntTensor TokenRows;         // b·Seq + t of each token
    [Input("Batch, Seq")] public IntTensor PaddedRows;    // the token at each padded slot (past the length: any of b's)
    [Input("Batch")] public IntTensor ValidLens;
    [Input("Batch")] public IntTensor FirstRows;          // each sequence's <cls> token
    [Input("Masked")] public IntTensor MaskedRows;        // the token of each real prediction slot
    [Input("Masked")] public IntTensor MlmLabels;
    [Input("Masked")] public Tensor MlmWeights;
    [Input("Batch")] public IntTensor NspLabels;

    [Param("Vocab, Hidden", Hf = "bert.embeddings.word_embeddings.weight")] public Tensor TokenEmbedding;
    [Param("2, Hidden", Hf = "bert.embeddings.token_type_embeddings.weight")] public Tensor SegmentEmbedding;
    [Param("MaxPositions, Hidden", Hf = "bert.embeddings.position_embeddings.weight")] public Tensor PositionEmbedding;

    [Block("Layers", Hf = "bert.encoder.layer.{i}")] public EncoderBlock[] Encoder;

    // MLM head: gather → dense → ReLU → LayerNorm → dense(vocab).
    [Param("Hidden, Hidden", Hf = "cls.predictions.transform.dense.weight")] public Tensor MlmDenseWeight;
    [Param("Hidden", Init = Init.Zeros, Hf = "cls.predictions.transform.dense.bias")] public Tensor MlmDenseBias;
    [Param("Hidden", Init = Init.Ones, Hf = "cls.predictions.transform.LayerNorm.weight")] public Tensor MlmNormGamma;
    [Param("Hidden", Init = Init.Zeros, Hf = "cls.predictions.transform.LayerNorm.bias")] public Tensor MlmNormBeta;
    [Param("Vocab, Hidden", Hf = "cls.predictions.decoder.weight")] public Tensor MlmDecoderWeight;
    [Param("Vocab", Init = Init.Zeros, Hf = "cls.predictions.bias")] public Tensor MlmDecoderBias;

    // NSP head: the first token → dense + tanh → dense(2).
    [Param("Hidden, Hidden", Hf = "bert.pooler.dense.weight")] public Tensor NspHiddenWeight;
    [Param("Hidden", Init = Init.Zeros, Hf = "bert.pooler.dense.bias")] public Tensor NspHiddenBias;
    [Param("2, Hidden", Hf = "cls.seq_relationship.weight")] public Tensor NspWeight;
    [Param("2", Init = Init.Zeros, Hf = "cls.seq_relationship.bias")] public Tensor NspBias;

    [Forward]
    public Tensor Forward()
    {
        var x = Embedding(TokenEmbedding, TokenIds) + Embedding(SegmentEmbedding, Segments) + Embedding(PositionEmbedding, PositionIds);
        foreach (var layer in Encoder) x = layer.Forward(x, ValidLens, PaddedRows, TokenRows);
        Output("Encodings", x);

        var mlm = GatherRows(x, MaskedRows);
        mlm = LayerNorm(Relu(Dense(mlm, MlmDenseWeight, MlmDenseBias)), MlmNormGamma, MlmNormBeta);
        var mlmLogits = Output("MlmLogits", Dense(mlm, MlmDecoderWeight, MlmDecoderBias));

        var nspHidden = Tanh(Dense(GatherRows(x, FirstRows), NspHiddenWeight, NspHiddenBias));
        var nspLogits = Output("NspLogits", Dense(nspHidden, NspWeight, NspBias));

        var mlmLoss = Output("MlmLoss", WeightedCrossEntropy(mlmLogits, MlmLabels, MlmWeights));
        var nspLoss = Output("NspLoss", CrossEntropy(nspLogits, NspLabels));
        return mlmLoss + nspLoss;
    }
}
