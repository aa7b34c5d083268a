using Bert.Generators.Common;
using Bert.Generators.Kernels;
using static Bert.Generators.Tests.Back.Ir;

namespace Bert.Generators.Tests.Back;

/// <summary>
/// Hand-built kernels shaped like the ones the passes produce for BERT (Hidden = 16, Heads = 2), with the
/// run-time symbols Batch and Seq. Each has a straightforward reference loop beside its test.
/// </summary>
static class SampleKernels
{
    public const int Hidden = 16, Heads = 2;

    static SizeExpr Tokens => Sym("Batch") * Sym("Seq");

    /// <summary><c>row * cols + j</c>: element j of the current row.</summary>
    static Expr At(Expr cols) => Add(Mul(V("row"), cols), V("j"));

    /// <summary><c>h = gelu(x + bias)</c> over [Batch·Seq, Hidden], GELU in its erf form.</summary>
    public static Kernel BiasGelu { get; } = new(
        "Encoder_FfnBiasGelu",
        List("Dense(FfnIn) bias", "Gelu"),
        List(In("x"), In("bias"), Out("h")),
        List<KernelScalar>(),
        new PointwiseBody(Const(Hidden) * Tokens, List<Stmt>(
            Let("v", Add(Load("x", V("i")), Load("bias", Mod(V("i"), I(Hidden))))),
            Store("h", V("i"), Mul(Mul(F(0.5f), V("v")), Add(F(1f), Unary(UnaryOp.Erf, Mul(V("v"), F(0.70710677f)))))))));

    /// <summary><c>h = max(x + bias, 0)</c> over [Batch·Seq, Hidden] as an element loop broadcasting the bias with <c>i % Hidden</c>.</summary>
    public static Kernel BiasRelu { get; } = new(
        "Encoder_FfnBiasRelu",
        List("Dense(FfnIn) bias", "Relu"),
        List(In("x"), In("bias"), Out("h")),
        List<KernelScalar>(),
        new PointwiseBody(Const(Hidden) * Tokens, List<Stmt>(
            Store("h", V("i"), Max(Add(Load("x", V("i")), Load("bias", Mod(V("i"), I(Hidden)))), F(0f))))));

    /// <summary>Inverted dropout: <c>y = u &lt; p ? 0 : x / (1 - p)</c> with u = Philox(seed, i).</summary>
    public static Kernel Dropout { get; } = new(
        "Encoder_AttentionDropout",
        List("Dropout"),
        List(In("x"), Out("y")),
        List(new KernelScalar("p", ScalarType.F32), new KernelScalar("seed", ScalarType.U64)),
        new PointwiseBody(Const(Hidden) * Tokens, List<Stmt>(
            Let("u", Uniform(V("seed"), V("i"))),
            Store("y", V("i"), Select(Less(V("u"), V("p")), F(0f), Div(Load("x", V("i")), Sub(F(1f), V("p"))))))));

    /// <summary>Layer norm over Hidden, saving each row's mean and 1/σ for backward.</summary>
    public static Kernel LayerNorm { get; } = new(
        "Encoder_Norm1",
        List("LayerNorm"),
        List(In("x"), In("gamma"), In("beta"), Out("y"), Out("mean"), Out("rstd")),
        List(new KernelScalar("eps", ScalarType.F32)),
        new RowwiseBody(Tokens, Const(Hidden), List<RowStage>(
            new ReduceStage("sum", ReduceOp.Sum, Load("x", At(I(Hidden)))),
            new ScalarStage(List(Let("mu", Div(V("sum"), F(Hidden))))),
            new ReduceStage("squares", ReduceOp.Sum, Mul(Sub(Load("x", At(I(Hidden))), V("mu")), Sub(Load("x", At(I(Hidden))), V("mu")))),
            new ScalarStage(
                List(Let("r", Unary(UnaryOp.Rsqrt, Add(Div(V("squares"), F(Hidden)), V("eps"))))),
                List(Store("mean", V("row"), V("mu")), Store("rstd", V("row"), V("r")))),
            new MapStage(List<Stmt>(
                Store("y", At(I(Hidden)), Add(Mul(Mul(Sub(Load("x", At(I(Hidden))), V("mu")), V("r")), Load("gamma", V("j"))), Load("beta", V("j")))))))));

    /// <summary>
    /// Masked softmax of scaled attention scores [Batch, Heads, Seq, Seq]: keys at or past the batch's valid length
    /// get probability 0.
    /// </summary>
    public static Kernel MaskedSoftmax { get; } = new(
        "Encoder_AttentionSoftmax",
        List("Scale", "MaskedSoftmax"),
        List(In("scores"), In("validLens", ScalarType.I32), Out("probs")),
        List(new KernelScalar("scale", ScalarType.F32)),
        new RowwiseBody(Const(Heads) * Tokens, Sym("Seq"), List<RowStage>(
            new ScalarStage(List(Let("valid", Load("validLens", IntDiv(V("row"), Size(Const(Heads) * Sym("Seq")))), ScalarType.I32))),
            new ReduceStage("rowMax", ReduceOp.Max, Select(Less(V("j"), V("valid")), Mul(Load("scores", At(Size(Sym("Seq")))), V("scale")), F(float.NegativeInfinity))),
            new MapStage(List<Stmt>(
                Store("probs", At(Size(Sym("Seq"))), Select(Less(V("j"), V("valid")), Unary(UnaryOp.Exp, Sub(Mul(Load("scores", At(Size(Sym("Seq")))), V("scale")), V("rowMax"))), F(0f))))),
            new ReduceStage("total", ReduceOp.Sum, Load("probs", At(Size(Sym("Seq"))))),
            new ScalarStage(List(Let("inverse", Div(F(1f), V("total"))))),
            new MapStage(List<Stmt>(
                Store("probs", At(Size(Sym("Seq"))), Mul(Load("probs", At(Size(Sym("Seq")))), V("inverse"))))))));

    /// <summary>Embedding backward: scatter-add each token's output gradient into its table row (rows collide on repeated ids).</summary>
    public static Kernel EmbeddingBackward { get; } = new(
        "TokenEmbedding_Backward",
        List("Embedding (backward)"),
        List(In("ids", ScalarType.I32), In("dOut"), InOut("dTable")),
        List<KernelScalar>(),
        new RowwiseBody(Tokens, Const(Hidden), List<RowStage>(
            new ScalarStage(List(Let("id", Load("ids", V("row")), ScalarType.I32))),
            new MapStage(List<Stmt>(
                AddTo("dTable", Add(Mul(V("id"), I(Hidden)), V("j")), Load("dOut", At(I(Hidden))))))),
            RowsMayCollide: true));

    public static Kernel[] All => [BiasGelu, BiasRelu, Dropout, LayerNorm, MaskedSoftmax, EmbeddingBackward];
}
