using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Common;
using Bert.Generators.Kernels;

namespace Bert.Generators.Plan
{
    /// <summary>Where a tensor lives at run time.</summary>
    internal enum StorageKind
    {
        /// <summary>A trainable parameter's values, in the parameter store.</summary>
        ParamValue,
        /// <summary>A trainable parameter's gradient, in the gradient store (same layout as values).</summary>
        ParamGrad,
        /// <summary>A model input filled by the caller each step (token ids, labels, weights…).</summary>
        Input,
        /// <summary>An activation or intermediate gradient in the static arena, at its slot's offset.</summary>
        Arena,
    }

    /// <summary>A reference to a tensor (or a view at an element offset into it) for a kernel or GEMM argument.</summary>
    internal sealed record TensorRef(StorageKind Storage, string Name, Expr? ElementOffset = null);

    internal sealed record ParamDecl(string Name, string HfName, ImmutableArray<SizeExpr> Shape, string Init, float InitScale, bool WeightDecay);

    internal sealed record InputDecl(string Name, ScalarType Type, ImmutableArray<SizeExpr> Shape);

    /// <summary>An arena tensor: its element count and the slot it shares with others whose lifetimes do not overlap.</summary>
    internal sealed record BufferDecl(string Name, ScalarType Type, SizeExpr Elements, int Slot);

    /// <summary>A named result the caller can read after <c>Forward</c> (encodings, logits, losses).</summary>
    internal sealed record OutputDecl(string Name, TensorRef Tensor, ImmutableArray<SizeExpr> Shape);

    /// <summary>One scheduled operation of the forward or backward program.</summary>
    internal abstract record Step;

    /// <summary>
    /// Launch a fused kernel; every kernel buffer and scalar is bound by name. Scalar bindings are expressions over:
    /// run-time dimensions and [Hyper] fields (by name), <c>training</c> (bool) and <c>seed</c> (ulong): the
    /// arguments of the latest <c>Forward</c> call, which Backward reuses to regenerate dropout masks.
    /// </summary>
    internal sealed record KernelStep(
        string Kernel,
        ImmutableDictionary<string, TensorRef> Buffers,
        ImmutableDictionary<string, Expr> Scalars) : Step
    {
        /// <summary>Where this launch comes from, e.g. "Encoder[1]" or the output it computes.</summary>
        public string Comment { get; init; } = "";

        /// <summary>
        /// The declaration ops this launch computes, with their source lines: its own, where the kernel it launches
        /// may be shared with structurally identical launches (the key and value projections launch the query's kernel).
        /// </summary>
        public ImmutableArray<string> SourceOps { get; init; } = ImmutableArray<string>.Empty;

        /// <summary>Buffers to set to zero right before the launch (targets the kernel scatter-adds into).</summary>
        public ImmutableArray<string> ZeroFirst { get; init; } = ImmutableArray<string>.Empty;
    }

    /// <summary>
    /// Row-major (strided batched) GEMM: <c>C = Alpha·op(A)·op(B) + Beta·C</c>, for a CPU BLAS or cuBLAS.
    /// <paramref name="Comment"/> names the source op (e.g. "layer 0 attention: Q·Kᵀ").
    /// </summary>
    internal sealed record GemmStep(
        string Comment,
        bool TransA, bool TransB,
        SizeExpr M, SizeExpr N, SizeExpr K,
        float Alpha,
        TensorRef A, SizeExpr Lda, SizeExpr StrideA,
        TensorRef B, SizeExpr Ldb, SizeExpr StrideB,
        float Beta,
        TensorRef C, SizeExpr Ldc, SizeExpr StrideC,
        SizeExpr BatchCount) : Step;

    /// <summary>Set a tensor to zero (gradient accumulators before backward).</summary>
    internal sealed record ZeroStep(TensorRef Tensor, SizeExpr Elements) : Step;

    /// <summary>
    /// Arena slots: each slot's size is the largest of its members' sizes, evaluated at bind time for the
    /// actual run-time dimensions; slot offsets are the running sum. <see cref="Describe"/> prints the formula.
    /// </summary>
    internal sealed record MemoryPlan(ImmutableArray<ImmutableArray<SizeExpr>> SlotMembers)
    {
        /// <summary>Each slot's distinct member sizes (its size is their maximum).</summary>
        public ImmutableArray<ImmutableArray<SizeExpr>> SlotSizes { get; } =
            SlotMembers.Select(m => m.Distinct().ToImmutableArray()).ToImmutableArray();

        /// <summary>The arena size formula, e.g. <c>4 * (max(128 * Batch * Seq, 2 * Batch * Seq * Seq) + Batch) bytes</c>.</summary>
        public string Describe() =>
            "4 * (" + string.Join(" + ", SlotSizes.Select(s => s.Length == 1 ? s[0].ToString() : "max(" + string.Join(", ", s) + ")")) + ") bytes";

        /// <summary>Arena elements for the given run-time dimensions: Σ over slots of the largest member.</summary>
        public long Elements(IReadOnlyDictionary<string, long> symbols) =>
            SlotSizes.Sum(s => s.Max(size => Evaluate(size, symbols)));

        public static long Evaluate(SizeExpr size, IReadOnlyDictionary<string, long> symbols) =>
            size.Symbols.Aggregate(size.Coefficient, (v, symbol) => v * symbols[symbol]);
    }

    /// <summary>A [Block] array field of the model; the generated constructor allocates it (the generator never reads it).</summary>
    internal sealed record BlockArrayDecl(string Field, string TypeName, int Count);

    /// <summary>
    /// The complete, target-neutral program for one model: what the CPU C# and ILGPU emitters render.
    /// Forward computes every output and the scalar loss; Backward computes parameter gradients of the loss.
    /// </summary>
    internal sealed record ExecutionPlan(
        string Namespace,
        string ModelName,
        ImmutableArray<string> RuntimeSymbols,
        ImmutableArray<ParamDecl> Params,
        ImmutableArray<InputDecl> Inputs,
        ImmutableArray<BufferDecl> Buffers,
        ImmutableArray<Kernel> Kernels,
        ImmutableArray<Step> Forward,
        ImmutableArray<Step> Backward,
        ImmutableArray<OutputDecl> Outputs,
        TensorRef Loss,
        MemoryPlan Memory)
    {
        /// <summary>Run-time dimensions fixed at construction (constructor arguments, e.g. Vocab); the rest are bound per step.</summary>
        public ImmutableArray<string> ConstructionSymbols { get; init; } = ImmutableArray<string>.Empty;

        /// <summary>[Hyper] fields that kernel-scalar bindings read (e.g. the dropout probability).</summary>
        public ImmutableArray<string> Hypers { get; init; } = ImmutableArray<string>.Empty;

        public ImmutableArray<BlockArrayDecl> BlockArrays { get; init; } = ImmutableArray<BlockArrayDecl>.Empty;

        /// <summary>Whether fusion ran ([Model(Fuse = false)] gives one kernel per op).</summary>
        public bool Fused { get; init; } = true;
    }
}
