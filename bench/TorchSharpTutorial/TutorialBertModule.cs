using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TorchSharpTutorial;

/// <summary>
/// The tutorial's encoder block (bench/pytorch_tutorial_bert.py's <c>EncoderBlock</c>): multi-head self-attention with
/// the masked softmax, then add and LayerNorm, a ReLU feed-forward network, add and LayerNorm; dropout after the
/// softmax and both sub-layers.
/// </summary>
sealed class EncoderBlock : nn.Module<Tensor, Tensor, Tensor>
{
    readonly int heads;
    readonly Linear q, k, v, o, ffn1, ffn2;
    readonly LayerNorm norm1, norm2;
    readonly Dropout dropout;

    public EncoderBlock(int hidden, int heads, int ffn, double dropout) : base(nameof(EncoderBlock))
    {
        this.heads = heads;
        q = nn.Linear(hidden, hidden);
        k = nn.Linear(hidden, hidden);
        v = nn.Linear(hidden, hidden);
        o = nn.Linear(hidden, hidden);
        norm1 = nn.LayerNorm(hidden);
        norm2 = nn.LayerNorm(hidden);
        ffn1 = nn.Linear(hidden, ffn);
        ffn2 = nn.Linear(ffn, hidden);
        this.dropout = nn.Dropout(dropout);
        RegisterComponents();
    }

    Tensor Split(Tensor x)
    {
        long b = x.shape[0], t = x.shape[1], h = x.shape[2];
        return x.reshape(b, t, heads, h / heads).transpose(1, 2);
    }

    /// <summary>x: [batch, tokens, hidden]; validLens: [batch]; keys at or past a sequence's length get −1e6.</summary>
    public override Tensor forward(Tensor x, Tensor validLens)
    {
        var query = Split(q.forward(x));
        var key = Split(k.forward(x));
        var value = Split(v.forward(x));
        var scores = query.matmul(key.transpose(-1, -2)) / Math.Sqrt(query.shape[^1]);
        var mask = arange(scores.shape[^1], device: x.device).reshape(1, 1, 1, -1) >= validLens.reshape(-1, 1, 1, 1);
        var attention = nn.functional.softmax(scores.masked_fill(mask, -1e6), -1);
        var context = dropout.forward(attention).matmul(value).transpose(1, 2).reshape(x.shape);
        x = norm1.forward(x + dropout.forward(o.forward(context)));
        return norm2.forward(x + dropout.forward(ffn2.forward(nn.functional.relu(ffn1.forward(x)))));
    }
}

/// <summary>
/// The tutorial's BERT (d2l.ai): token + segment + learned position embeddings, two encoder blocks, the MLM head
/// (Linear, ReLU, LayerNorm, Linear to the vocabulary) over the predicted positions and the NSP head over
/// <c>&lt;cls&gt;</c> (Linear, Tanh, Linear to 2).
/// </summary>
sealed class TutorialBertModule : nn.Module<Tensor, Tensor, Tensor, Tensor, (Tensor Mlm, Tensor Nsp)>
{
    readonly Embedding token, segment;
    readonly Parameter position;
    readonly ModuleList<EncoderBlock> blocks;
    readonly Sequential mlm, nspHidden;
    readonly Linear nsp;
    readonly int hidden;

    public TutorialBertModule(int vocab, int hidden = 128, int heads = 2, int ffn = 256, int layers = 2, double dropout = 0.2,
        int maxPositions = 1000) : base(nameof(TutorialBertModule))
    {
        this.hidden = hidden;
        token = nn.Embedding(vocab, hidden);
        segment = nn.Embedding(2, hidden);
        position = new Parameter(randn(1, maxPositions, hidden));
        blocks = nn.ModuleList(Enumerable.Range(0, layers).Select(_ => new EncoderBlock(hidden, heads, ffn, dropout)).ToArray());
        mlm = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), nn.LayerNorm(hidden), nn.Linear(hidden, vocab));
        nspHidden = nn.Sequential(nn.Linear(hidden, hidden), nn.Tanh());
        nsp = nn.Linear(hidden, 2);
        RegisterComponents();
    }

    /// <summary>tokens, segments: [batch, tokens]; validLens: [batch]; predRows: [batch × predictions], the rows of x (b·tokens + position) the MLM head reads.</summary>
    public override (Tensor Mlm, Tensor Nsp) forward(Tensor tokens, Tensor segments, Tensor validLens, Tensor predRows)
    {
        long length = tokens.shape[1];
        var x = token.forward(tokens) + segment.forward(segments) + position.narrow(1, 0, length);
        foreach (var block in blocks) x = block.forward(x, validLens);
        var predicted = x.reshape(-1, hidden).index_select(0, predRows);
        var first = x.select(1, 0);
        return (mlm.forward(predicted), nsp.forward(nspHidden.forward(first)));
    }
}
