using System.Collections.Generic;
using Bert.Generators.Common;
using Bert.Generators.Kernels;

namespace Bert.Generators.Graph.Ops
{
    /// <summary>A kernel a lowering added, which it may still annotate.</summary>
    internal interface IKernelStep
    {
        /// <summary>Kernel scalars and the expressions that supply them at launch.</summary>
        Dictionary<string, ScalarBinding> Scalars { get; }

        /// <summary>Buffers set to zero before the kernel runs (scatter-add targets).</summary>
        List<string> ZeroFirst { get; }

        /// <summary>Words of the kernel's name, in op order.</summary>
        List<string> Words { get; }

        /// <summary>Labels of the declaration ops the kernel computes.</summary>
        List<string> SourceOps { get; }
    }

    /// <summary>
    /// What a lowering (<see cref="Op.Lower"/>) may do: name buffers (by the values' model-unique names) and add GEMMs and
    /// loop kernels of the kernel IR, one op per kernel (fusion merges them afterwards).
    /// </summary>
    internal interface IKernels
    {
        /// <summary>Whether the model is fused ([Model(Fuse = false)] gives one kernel per op).</summary>
        bool Fuse { get; }

        /// <summary>The backward graph (a forward lowering may compute a gradient node itself; see <see cref="LowerInForward"/>).</summary>
        IReadOnlyList<Node> Backward { get; }

        /// <summary>The buffer of a value.</summary>
        string Key(Value value);

        /// <summary>The buffer <paramref name="node"/> writes: its output, or the gradient of the parameter it accumulates into.</summary>
        string Out(Node node);

        /// <summary>Adds C = α·op(A)·op(B) for a GEMM node (β = 1 into a parameter gradient).</summary>
        void Gemm(Node node);

        /// <summary><c>out[i] = value</c> over <paramref name="count"/> elements (<c>+=</c> into a parameter gradient).</summary>
        IKernelStep Pointwise(Node node, SizeExpr count, Expr value);

        /// <summary>A row kernel over rows × cols: <paramref name="stages"/> in order, per row; rows may collide when they scatter-add.</summary>
        IKernelStep Rowwise(Node node, SizeExpr rows, SizeExpr cols, bool rowsMayCollide, params RowStage[] stages);

        /// <summary>An arena buffer that exists only inside one op's lowering (per-row losses, a weight sum).</summary>
        string Temp(Node at, string localName, SizeExpr elements);

        /// <summary>A per-row statistic of <paramref name="of"/> that a forward kernel stores for the backward pass, keyed by the value.</summary>
        string RowStatistic(Value of, string localName, SizeExpr rows);

        /// <summary>The buffer of a statistic the forward lowering stored with <see cref="RowStatistic"/>.</summary>
        string SavedRowStatistic(Value of, string localName);

        /// <summary>Records that a forward kernel computes gradient node <paramref name="gradient"/>, so its own lowering adds nothing.</summary>
        void LowerInForward(Node gradient);

        /// <summary>Whether a forward kernel computes <paramref name="gradient"/>.</summary>
        bool LoweredInForward(Node gradient);
    }
}
