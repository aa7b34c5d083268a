using Bert.Graph;
using static Bert.Graph.Ops;

namespace Bert.Samples.Models;

/// <summary>
/// BERT's input layer in the HuggingFace/Google layout: token + segment + learned position embeddings, then
/// LayerNorm and dropout (the d2l tutorial's <see cref="TutorialBert"/> adds the three without normalizing).
/// </summary>
[Block]
public partial class BertEmbeddings
{
    [Dim] public int Vocab, Hidden, MaxPositions;
    [Hyper] public float Dropout, NormEps;

    [Param("Vocab, Hidden", Hf = "word_embeddings.weight")] public Tensor TokenEmbedding;
    [Param("2, Hidden", Hf = "token_type_embeddings.weight")] public Tensor SegmentEmbedding;
    [Param("MaxPositions, Hidden", Hf = "position_embeddings.weight")] public Tensor PositionEmbedding;
    [Param("Hidden", Init = Init.Ones, Hf = "LayerNorm.weight")] public Tensor NormGamma;
    [Param("Hidden", Init = Init.Zeros, Hf = "LayerNorm.bias")] public Tensor NormBeta;

    [Forward]
    public Tensor Forward(IntTensor tokens, IntTensor segments, IntTensor positions)
    {
        var x = Embedding(TokenEmbedding, tokens) + Embedding(SegmentEmbedding, segments) + Embedding(PositionEmbedding, positions);
        return Dropout(LayerNorm(x, NormGamma, NormBeta, NormEps), Dropout);
    }
}
