using Bert.Graph;
using static Bert.Graph.Ops;

namespace Bert.Samples.Models;

/// <summary>
/// A sentence-pair classifier in the layout of HuggingFace's BertForSequenceClassification: embeddings with
/// LayerNorm, encoder layers, pooler (dense + tanh), dropout and a 2-way classifier; the loss is the mean
/// cross-entropy over the batch. Like <see cref="TutorialBert"/> it does no work on padding: the batch arrives as its
/// real tokens only ([Tokens], each sequence's one after another) and only attention runs on padded sequences (see
/// <see cref="EncoderBlock"/>). The pooler reads <see cref="PoolingWeights"/> · encodings: a one-hot row on each
/// sequence's [CLS] token is HuggingFace's pooling, 1/length on each of its tokens is sentence-transformers' mean
/// pooling; the runtime chooses (<see cref="SentencePooling"/>). Each compiled shape is a thin [Model] class below that
/// derives from this one and declares only its [Dim] and NormEps constants; <see cref="CompiledModels"/> lists them.
/// </summary>
public abstract class BertPairClassifier
{
    [Dim] public int Vocab;
    [Dim] public int Batch, Seq, Tokens;   // bound per step (Tokens: the batch's real tokens)
    [Hyper] public float Dropout = 0.1f;

    [Input("Tokens")] public IntTensor TokenIds;
    [Input("Tokens")] public IntTensor Segments;
    [Input("Tokens")] public IntTensor PositionIds;       // each token's position in its sequence
    [Input("Tokens")] public IntTensor TokenRows;         // b·Seq + t of each token
    [Input("Batch, Seq")] public IntTensor PaddedRows;    // the token at each padded slot (past the length: any of b's)
    [Input("Batch")] public IntTensor ValidLens;
    [Input("Batch, Tokens")] public Tensor PoolingWeights; // each sequence's weight on each token (0 off the sequence)
    [Input("Batch")] public IntTensor Labels;

    [Block(Hf = "bert.embeddings")] public BertEmbeddings Embeddings = new();
    [Block("Layers", Hf = "bert.encoder.layer.{i}")] public EncoderBlock[] Encoder = [];
    [Param("Hidden, Hidden", Hf = "bert.pooler.dense.weight")] public Tensor PoolerWeight;
    [Param("Hidden", Init = Init.Zeros, Hf = "bert.pooler.dense.bias")] public Tensor PoolerBias;
    [Param("2, Hidden", Hf = "classifier.weight")] public Tensor ClassifierWeight;
    [Param("2", Init = Init.Zeros, Hf = "classifier.bias")] public Tensor ClassifierBias;

    /// <summary>The model's [Hyper] Dropout, as <see cref="ICompiledPairClassifier"/> names it.</summary>
    public float DropoutRate { get => Dropout; set => Dropout = value; }

    [Forward]
    public Tensor Forward()
    {
        var x = Embeddings.Forward(TokenIds, Segments, PositionIds);
        foreach (var layer in Encoder) x = layer.Forward(x, ValidLens, PaddedRows, TokenRows);
        Output("Encodings", x);
        var pooled = Tanh(Dense(MatMul(PoolingWeights, x), PoolerWeight, PoolerBias));
        var logits = Output("Logits", Dense(Dropout(pooled, Dropout), ClassifierWeight, ClassifierBias));
        return Output("Loss", CrossEntropy(logits, Labels));
    }
}

/// <summary>The tutorial's shape (2 × 128, 2 heads, FFN 256, ReLU, eps 1e-5, 1000 positions): fine-tunes our own pretraining checkpoints.</summary>
[Model]
public partial class TutorialBertClassifier : BertPairClassifier, ICompiledPairClassifier
{
    [Dim] public const int Hidden = 128, Heads = 2, FfnHidden = 256, Layers = 2, MaxPositions = 1000, FfnGelu = 0;
    [Hyper] public const float NormEps = 1e-5f;
}

/// <summary>Google's smallest uncased BERT (bert_uncased_L-2_H-128_A-2, "bert-tiny": 2 × 128, 2 heads, FFN 512, GELU, eps 1e-12, 512 positions).</summary>
[Model]
public partial class TinyBertClassifier : BertPairClassifier, ICompiledPairClassifier
{
    [Dim] public const int Hidden = 128, Heads = 2, FfnHidden = 512, Layers = 2, MaxPositions = 512, FfnGelu = 1;
    [Hyper] public const float NormEps = 1e-12f;
}

/// <summary>Google's bert_uncased_L-4_H-256_A-4 ("bert-mini": 4 × 256, 4 heads, FFN 1024, GELU, eps 1e-12, 512 positions).</summary>
[Model]
public partial class BertMiniClassifier : BertPairClassifier, ICompiledPairClassifier
{
    [Dim] public const int Hidden = 256, Heads = 4, FfnHidden = 1024, Layers = 4, MaxPositions = 512, FfnGelu = 1;
    [Hyper] public const float NormEps = 1e-12f;
}

/// <summary>Google's bert_uncased_L-4_H-512_A-8 ("bert-small": 4 × 512, 8 heads, FFN 2048, GELU, eps 1e-12, 512 positions).</summary>
[Model]
public partial class BertSmallClassifier : BertPairClassifier, ICompiledPairClassifier
{
    [Dim] public const int Hidden = 512, Heads = 8, FfnHidden = 2048, Layers = 4, MaxPositions = 512, FfnGelu = 1;
    [Hyper] public const float NormEps = 1e-12f;
}

/// <summary>Google's bert_uncased_L-8_H-512_A-8 ("bert-medium": 8 × 512, 8 heads, FFN 2048, GELU, eps 1e-12, 512 positions).</summary>
[Model]
public partial class BertMediumClassifier : BertPairClassifier, ICompiledPairClassifier
{
    [Dim] public const int Hidden = 512, Heads = 8, FfnHidden = 2048, Layers = 8, MaxPositions = 512, FfnGelu = 1;
    [Hyper] public const float NormEps = 1e-12f;
}

/// <summary>all-MiniLM-L6-v2 and other MiniLM-L6-H384 checkpoints (6 × 384, 12 heads, FFN 1536, GELU, eps 1e-12, 512 positions).</summary>
[Model]
public partial class MiniLmL6Classifier : BertPairClassifier, ICompiledPairClassifier
{
    [Dim] public const int Hidden = 384, Heads = 12, FfnHidden = 1536, Layers = 6, MaxPositions = 512, FfnGelu = 1;
    [Hyper] public const float NormEps = 1e-12f;
}

/// <summary>Google's BERT-base (12 × 768, 12 heads, FFN 3072, GELU, eps 1e-12, 512 positions): bert-base-uncased and its kin.</summary>
[Model]
public partial class BertBaseClassifier : BertPairClassifier, ICompiledPairClassifier
{
    [Dim] public const int Hidden = 768, Heads = 12, FfnHidden = 3072, Layers = 12, MaxPositions = 512, FfnGelu = 1;
    [Hyper] public const float NormEps = 1e-12f;
}
