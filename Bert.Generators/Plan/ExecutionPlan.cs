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
    internal abstract record Step
    {
        /// <summary>The block instance whose ops the step computes (e.g. "Encoder1"), "" for the model's own ops.</summary>
        public string Block { get; init; } = "";
    }

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

    /// <summary>Set a tensor to zero (an accumulator before the steps that add into it).</summary>
    internal sealed record ZeroStep(TensorRef Tensor, SizeExpr Elements) : Step;

    /// <summary>Set every parameter gradient to zero (the first step of backward: one clear of the contiguous gradient store).</summary>
    internal sealed record ZeroGradientsStep : Step;

    internal static class Steps
    {
        /// <summary>The tensors a step names (reads, writes or clears); none for <see cref="ZeroGradientsStep"/>, which clears a whole store.</summary>
        public static IEnumerable<TensorRef> Tensors(this Step step) => step switch
        {
            KernelStep k => k.Buffers.Values,
            GemmStep g => new[] { g.A, g.B, g.C },
            ZeroStep z => new[] { z.Tensor },
            _ => Enumerable.Empty<TensorRef>(),
        };
    }

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

    /// <summary>
    /// Steps of one list (<see cref="ExecutionPlan.Forward"/> or, when <paramref name="Backward"/>, <see cref="ExecutionPlan.Backward"/>)
    /// that repeat for the blocks of a [Block] array field: iteration k is steps [Start + k·Length, Start + (k+1)·Length)
    /// and computes block <c>Field[Blocks[k]]</c> (consecutive indices, ascending or descending). The body is iteration
    /// <paramref name="Template"/>'s steps: every iteration's steps equal them with the tensors of <paramref name="Tensors"/>
    /// and the scalars of <paramref name="Scalars"/> replaced by that iteration's — except at the body positions
    /// <paramref name="FirstOwn"/>, where the first iteration runs a step of its own (the last encoder layer's backward
    /// starts from the heads' gradient alone). A target may so run the body in a loop over per-block tables.
    /// </summary>
    internal sealed record BlockLoop(
        string Field, bool Backward, int Start, int Length, ImmutableArray<int> Blocks, int Template, ImmutableArray<int> FirstOwn,
        ImmutableArray<LoopTensor> Tensors, ImmutableArray<LoopScalar> Scalars)
    {
        /// <summary>The index in the loop's list of body position <paramref name="step"/> in iteration <paramref name="k"/>.</summary>
        public int At(int k, int step) => Start + k * Length + step;

        /// <summary>Steps of the list the loop covers.</summary>
        public int Extent => Length * Blocks.Length;

        /// <summary>Whether the loop covers list index <paramref name="index"/>.</summary>
        public bool Covers(int index) => index >= Start && index < Start + Extent;

        /// <summary>
        /// How a target prints covered list index <paramref name="index"/>: the template iteration's steps as the body (on
        /// each block's tensors), the first block's own steps as they are, every other iteration's not at all.
        /// </summary>
        public LoopPrinting Printing(int index)
        {
            int k = (index - Start) / Length, step = (index - Start) % Length;
            if (k == 0 && FirstOwn.Contains(step)) return LoopPrinting.Own;
            return k == Template ? LoopPrinting.Body : LoopPrinting.None;
        }
    }

    /// <summary>How a step inside a <see cref="BlockLoop"/> is printed (<see cref="BlockLoop.Printing"/>).</summary>
    internal enum LoopPrinting { Body, Own, None }

    /// <summary>A tensor the body names (<paramref name="Body"/>) and what each iteration names in its place (null: not at all, only in its own steps).</summary>
    internal sealed record LoopTensor(TensorRef Body, ImmutableArray<TensorRef?> ByIteration);

    /// <summary>A kernel scalar (<paramref name="Name"/> of the body's <paramref name="Step"/>-th step) whose value differs between iterations (null: an own step).</summary>
    internal sealed record LoopScalar(int Step, string Name, ImmutableArray<Expr?> ByIteration);

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

        /// <summary>Runs of <see cref="Forward"/> and <see cref="Backward"/> that repeat once per block of a [Block] array: the emitters print each as a loop.</summary>
        public ImmutableArray<BlockLoop> Loops { get; init; } = ImmutableArray<BlockLoop>.Empty;

        /// <summary>Whether fusion ran ([Model(Fuse = false)] gives one kernel per op).</summary>
        public bool Fused { get; init; } = true;
    }
}
