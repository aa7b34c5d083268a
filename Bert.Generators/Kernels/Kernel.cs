using System.Collections.Immutable;
using Bert.Generators.Common;

namespace Bert.Generators.Kernels
{
    /// <summary>A statement inside a kernel loop body.</summary>
    internal abstract record Stmt;

    /// <summary><c>Buffer[Index] = Value</c>, or <c>+=</c> when <paramref name="Accumulate"/>.</summary>
    internal sealed record StoreStmt(string Buffer, Expr Index, Expr Value, bool Accumulate = false) : Stmt;

    /// <summary>A named local: <c>var Name = Value</c>.</summary>
    internal sealed record LetStmt(string Name, ScalarType Type, Expr Value) : Stmt;

    internal enum BufferAccess { Read, Write, ReadWrite }

    internal sealed record KernelBuffer(string Name, ScalarType Type, BufferAccess Access);

    /// <summary>A scalar argument supplied at launch (dropout probability, RNG seed, layer-norm epsilon…).</summary>
    internal sealed record KernelScalar(string Name, ScalarType Type);

    /// <summary>A kernel scalar's type and the expression that supplies it at launch.</summary>
    internal sealed record ScalarBinding(ScalarType Type, Expr Value);

    /// <summary>The loop structure of a kernel. Emitters map it to GPU threads and groups (ILGPU) or parallel row ranges (CPU C#).</summary>
    internal abstract record KernelBody;

    /// <summary>
    /// <c>for i in [0, Count): Body</c> — independent elements. Loop variable: <c>i</c>.
    /// </summary>
    internal sealed record PointwiseBody(SizeExpr Count, ImmutableArray<Stmt> Body) : KernelBody;

    /// <summary>
    /// <c>for row in [0, Rows): stages</c>, each stage looping <c>j in [0, Cols)</c> or computing row scalars.
    /// Loop variables: <c>row</c> and <c>j</c>. When <paramref name="RowsMayCollide"/> is set, different rows may
    /// accumulate into the same output element (embedding backward): CPU runs rows in order, the GPU uses atomics.
    /// </summary>
    internal sealed record RowwiseBody(SizeExpr Rows, SizeExpr Cols, ImmutableArray<RowStage> Stages, bool RowsMayCollide = false) : KernelBody;

    internal abstract record RowStage;

    internal enum ReduceOp { Sum, Max }

    /// <summary><c>Result = reduce(Op, Value(j) for j in [0, Cols))</c>; Result is then a row scalar.</summary>
    internal sealed record ReduceStage(string Result, ReduceOp Op, Expr Value) : RowStage;

    /// <summary>
    /// Row scalars computed from earlier reductions (e.g. <c>rstd = rsqrt(var + eps)</c>), and optional stores of
    /// row scalars (e.g. <c>Rstd[row] = rstd</c>, saved for backward), which run once per row.
    /// </summary>
    internal sealed record ScalarStage(ImmutableArray<LetStmt> Lets, ImmutableArray<StoreStmt> RowStores = default) : RowStage
    {
        public ImmutableArray<StoreStmt> RowStores { get; } = RowStores.IsDefault ? ImmutableArray<StoreStmt>.Empty : RowStores;
    }

    /// <summary>Per-element statements over <c>j in [0, Cols)</c>.</summary>
    internal sealed record MapStage(ImmutableArray<Stmt> Body) : RowStage;

    /// <summary>
    /// One fused kernel. <paramref name="Name"/> is a C# identifier named after the model
    /// (e.g. <c>Layer_AttentionSoftmax</c>); <paramref name="SourceOps"/> lists the declaration ops it fuses,
    /// rendered as the comment above the kernel. Run-time symbols used by sizes become int parameters.
    /// </summary>
    internal sealed record Kernel(
        string Name,
        ImmutableArray<string> SourceOps,
        ImmutableArray<KernelBuffer> Buffers,
        ImmutableArray<KernelScalar> Scalars,
        KernelBody Body);
}
