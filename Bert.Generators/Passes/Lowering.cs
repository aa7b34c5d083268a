using System.Collections.Generic;
using System.Collections.Immutable;
using Bert.Generators.Common;
using Bert.Generators.Graph;
using Bert.Generators.Graph.Ops;
using Bert.Generators.Kernels;
using Bert.Generators.Plan;

namespace Bert.Generators.Passes
{
    /// <summary>
    /// Lowers each graph node to a GEMM or to a loop kernel of the kernel IR, by its op's rule (<see cref="Op.Lower"/>): one
    /// op per kernel here; <see cref="Fusion"/> merges them afterwards. Buffers are named by the values' model-unique names.
    /// </summary>
    internal sealed class Lowering : IKernels
    {
        readonly ModelGraph graph;
        readonly Dictionary<string, BufferInfo> buffers = new Dictionary<string, BufferInfo>();
        readonly List<LoweredStep> steps = new List<LoweredStep>();
        /// <summary>Gradient nodes a forward kernel already computes (see <see cref="LowerInForward"/>).</summary>
        readonly HashSet<Node> loweredInForward = new HashSet<Node>();

        Lowering(ModelGraph graph) => this.graph = graph;

        public IReadOnlyDictionary<string, BufferInfo> Buffers => buffers;
        public List<LoweredStep> Steps => steps;

        public static Lowering Run(ModelGraph graph)
        {
            var lowering = new Lowering(graph);
            foreach (var node in graph.Forward) node.Op.Lower(node, lowering);
            foreach (var node in graph.Backward) node.Op.Lower(node, lowering);
            return lowering;
        }

        public bool Fuse => graph.Fuse;

        public IReadOnlyList<Node> Backward => graph.Backward;

        public string Key(Value v)
        {
            if (!buffers.ContainsKey(v.Name))
            {
                var storage = v.Kind == ValueKind.Param ? StorageKind.ParamValue : v.Kind == ValueKind.Input ? StorageKind.Input : StorageKind.Arena;
                buffers[v.Name] = new BufferInfo(v.Name, v.LocalName, storage, v.Name, v.Type, v.Elements);
            }
            return v.Name;
        }

        string GradKey(Value param)
        {
            string key = "∇" + param.Name;
            if (!buffers.ContainsKey(key))
                buffers[key] = new BufferInfo(key, "d_" + param.LocalName, StorageKind.ParamGrad, param.Name, ScalarType.F32, param.Elements);
            return key;
        }

        public string Out(Node node) => node.ParamGrad != null ? GradKey(node.ParamGrad) : Key(node.Output!);

        public void Gemm(Node node) =>
            steps.Add(new LoweredGemm(node, node.Gemm!, this.In(node, 0), this.In(node, 1), Out(node), Lowerings.Accumulates(node)));

        public IKernelStep Pointwise(Node node, SizeExpr count, Expr value) =>
            Add(new LoopKernel(node, new PointwiseBody(count, Ex.List<Stmt>(new StoreStmt(Out(node), Ex.I, value, Lowerings.Accumulates(node))))));

        public IKernelStep Rowwise(Node node, SizeExpr rows, SizeExpr cols, bool rowsMayCollide, params RowStage[] stages) =>
            Add(new LoopKernel(node, new RowwiseBody(rows, cols, stages.ToImmutableArray(), rowsMayCollide)));

        LoopKernel Add(LoopKernel kernel)
        {
            steps.Add(kernel);
            return kernel;
        }

        public string Temp(Node at, string localName, SizeExpr elements) => ArenaTemp(at.Output!.Name, localName, elements);

        public string RowStatistic(Value of, string localName, SizeExpr rows) => ArenaTemp(of.Name, localName, rows);

        public string SavedRowStatistic(Value of, string localName)
        {
            string key = TempKey(of.Name, localName);
            if (!buffers.ContainsKey(key)) throw new System.InvalidOperationException($"The backward of '{of.LocalName}' needs its forward's {localName}, which no forward kernel stored.");
            return key;
        }

        public void LowerInForward(Node gradient) => loweredInForward.Add(gradient);

        public bool LoweredInForward(Node gradient) => loweredInForward.Contains(gradient);

        /// <summary>An F32 arena buffer named after what it belongs to (a node's output or a value) and its role.</summary>
        string ArenaTemp(string owner, string localName, SizeExpr elements)
        {
            string key = TempKey(owner, localName);
            buffers[key] = new BufferInfo(key, localName, StorageKind.Arena, key, ScalarType.F32, elements);
            return key;
        }

        static string TempKey(string owner, string localName) => owner + "_" + localName;
    }
}
