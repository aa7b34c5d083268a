using System.Collections.Immutable;
using Bert.Generators.Common;
using Bert.Generators.Kernels;
using Bert.Generators.Passes;
using Bert.Generators.Plan;
using static Bert.Generators.Tests.Back.Ir;

namespace Bert.Generators.Tests.Back;

/// <summary>
/// A hand-built plan for a tiny model, with Hidden = 16 and the dimensions Vocab (construction) and Batch, Seq
/// (bound per step):
/// <code>
/// x = Embedding(Table, Tokens); y = x·Wᵀ + Bias; z = Dropout(y, Dropout); loss = Σ z² / count
/// </code>
/// and its exact backward (dropout recomputes its mask from the forward seed). Slot 1 is shared by y (forward)
/// and dz (backward), as a memory planner would.
/// </summary>
static class TinyModelPlan
{
    public const int Hidden = SampleKernels.Hidden;

    static readonly SizeExpr Tokens = Sym("Batch") * Sym("Seq"), Elements = Const(Hidden) * Sym("Batch") * Sym("Seq");

    static TensorRef Arena(string name, Expr? offset = null) => new(StorageKind.Arena, name, offset);
    static TensorRef Param(string name) => new(StorageKind.ParamValue, name);
    static TensorRef Grad(string name) => new(StorageKind.ParamGrad, name);

    static KernelStep Launch(Kernel kernel, params (string Buffer, TensorRef Tensor)[] buffers) => Launch(kernel, buffers, []);

    static KernelStep Launch(Kernel kernel, (string Buffer, TensorRef Tensor)[] buffers, (string Scalar, Expr Value)[] scalars) => new(
        kernel.Name,
        buffers.ToImmutableDictionary(b => b.Buffer, b => b.Tensor),
        scalars.ToImmutableDictionary(s => s.Scalar, s => s.Value))
    {
        SourceOps = kernel.SourceOps,   // each kernel has one launch here
    };

    static readonly Kernel Embed = new(
        "Embed", List("Embedding(Table, Tokens)"),
        List(In("table"), In("ids", ScalarType.I32), Out("x")), List<KernelScalar>(),
        new PointwiseBody(Elements, List<Stmt>(
            Store("x", V("i"), Load("table", Add(Mul(Load("ids", IntDiv(V("i"), I(Hidden))), I(Hidden)), Mod(V("i"), I(Hidden))))))));

    static readonly Kernel AddBias = new(
        "Dense_AddBias", List("Dense(x, W, Bias) bias"),
        List(InOut("y"), In("bias")), List<KernelScalar>(),
        new PointwiseBody(Elements, List<Stmt>(AddTo("y", V("i"), Load("bias", Mod(V("i"), I(Hidden)))))));

    static readonly Kernel SquareLoss = new(
        "SquareLoss", List("Square", "Mean"),
        List(In("z"), Out("loss")), List<KernelScalar>(),
        new RowwiseBody(Const(1), Elements, List<RowStage>(
            new ReduceStage("total", ReduceOp.Sum, Mul(Load("z", V("j")), Load("z", V("j")))),
            new ScalarStage(List<LetStmt>(), List(Store("loss", V("row"), Div(V("total"), Unary(UnaryOp.ToF32, Size(Elements)))))))));

    static readonly Kernel SquareLossBackward = new(
        "SquareLoss_Backward", List("Square (backward)", "Mean (backward)"),
        List(In("z"), Out("dz")), List<KernelScalar>(),
        new PointwiseBody(Elements, List<Stmt>(
            Store("dz", V("i"), Div(Mul(F(2f), Load("z", V("i"))), Unary(UnaryOp.ToF32, Size(Elements)))))));

    static readonly Kernel BiasBackward = new(
        "Dense_BiasBackward", List("Dense(x, W, Bias) bias (backward)"),
        List(In("dy"), Out("dBias")), List<KernelScalar>(),
        new RowwiseBody(Const(Hidden), Tokens, List<RowStage>(
            new ReduceStage("sum", ReduceOp.Sum, Load("dy", Add(Mul(V("j"), I(Hidden)), V("row")))),
            new ScalarStage(List<LetStmt>(), List(Store("dBias", V("row"), V("sum")))))));

    /// <summary>Dropout's probability: the hyper-parameter while training, 0 otherwise.</summary>
    static readonly Expr DropoutProbability = Select(new BinaryExpr(BinaryOp.Equal, V("training"), I(1)), V("Dropout"), F(0f));

    public static ExecutionPlan Create()
    {
        var dropout = SampleKernels.Dropout;
        var embeddingBackward = SampleKernels.EmbeddingBackward;
        var forward = ImmutableArray.Create<Step>(
            Launch(Embed, ("table", Param("Table")), ("ids", new TensorRef(StorageKind.Input, "Tokens")), ("x", Arena("x"))),
            // Batched over Batch (one [Seq, Hidden] matrix each) to exercise the strided form.
            new GemmStep("Dense(x, W, Bias): y = x·Wᵀ", false, true, Sym("Seq"), Const(Hidden), Const(Hidden), 1f,
                Arena("x"), Const(Hidden), Const(Hidden) * Sym("Seq"),
                Param("W"), Const(Hidden), Const(0),
                0f, Arena("y"), Const(Hidden), Const(Hidden) * Sym("Seq"), Sym("Batch")),
            Launch(AddBias, ("y", Arena("y")), ("bias", Param("Bias"))),
            Launch(dropout, [("x", Arena("y")), ("y", Arena("z"))], [("p", DropoutProbability), ("seed", V("seed"))]),
            Launch(SquareLoss, ("z", Arena("z")), ("loss", Arena("loss"))));
        var backward = ImmutableArray.Create<Step>(
            Launch(SquareLossBackward, ("z", Arena("z")), ("dz", Arena("dz"))),
            Launch(dropout, [("x", Arena("dz")), ("y", Arena("dy"))], [("p", DropoutProbability), ("seed", V("seed"))]),
            new GemmStep("Dense(x, W, Bias) backward: dW = dyᵀ·x", true, false, Const(Hidden), Const(Hidden), Tokens, 1f,
                Arena("dy"), Const(Hidden), Const(0), Arena("x"), Const(Hidden), Const(0),
                0f, Grad("W"), Const(Hidden), Const(0), Const(1)),
            Launch(BiasBackward, ("dy", Arena("dy")), ("dBias", Grad("Bias"))),
            new GemmStep("Dense(x, W, Bias) backward: dx = dy·W", false, false, Tokens, Const(Hidden), Const(Hidden), 1f,
                Arena("dy"), Const(Hidden), Const(0), Param("W"), Const(Hidden), Const(0),
                0f, Arena("dx"), Const(Hidden), Const(0), Const(1)),
            new ZeroStep(Grad("Table"), Sym("Vocab") * Const(Hidden)),
            Launch(embeddingBackward, ("ids", new TensorRef(StorageKind.Input, "Tokens")), ("dOut", Arena("dx")), ("dTable", Grad("Table"))));
        return new ExecutionPlan(
            Namespace: "Tiny",
            ModelName: "TinyModel",
            RuntimeSymbols: List("Vocab", "Batch", "Seq"),
            Params: List(
                new ParamDecl("Table", "embeddings.weight", List(Sym("Vocab"), Const(Hidden)), "Normal", 0.5f, false),
                new ParamDecl("W", "dense.weight", List(Const(Hidden), Const(Hidden)), "Normal", 0.25f, true),
                new ParamDecl("Bias", "dense.bias", List(Const(Hidden)), "Zeros", 0f, false)),
            Inputs: List(new InputDecl("Tokens", ScalarType.I32, List(Sym("Batch"), Sym("Seq")))),
            Buffers: List(
                new BufferDecl("x", ScalarType.F32, Elements, 0),
                new BufferDecl("y", ScalarType.F32, Elements, 1),
                new BufferDecl("dz", ScalarType.F32, Elements, 1),
                new BufferDecl("z", ScalarType.F32, Elements, 2),
                new BufferDecl("loss", ScalarType.F32, Const(1), 3),
                new BufferDecl("dy", ScalarType.F32, Elements, 4),
                new BufferDecl("dx", ScalarType.F32, Elements, 5)),
            Kernels: List(Embed, AddBias, dropout, SquareLoss, SquareLossBackward, BiasBackward, embeddingBackward).Select(KernelRewrites.Apply).ToImmutableArray(),
            Forward: forward,
            Backward: backward,
            Outputs: List(
                new OutputDecl("Hidden", Arena("z"), List(Sym("Batch"), Sym("Seq"), Const(Hidden))),
                new OutputDecl("LastToken", Arena("z", Mul(Sub(Size(Tokens), I(1)), I(Hidden))), List(Const(Hidden))),
                new OutputDecl("Loss", Arena("loss"), ImmutableArray<SizeExpr>.Empty)),
            Loss: Arena("loss"),
            Memory: new MemoryPlan(List(List(Elements), List(Elements, Elements), List(Elements), List(Const(1)), List(Elements), List(Elements))));
    }
}
