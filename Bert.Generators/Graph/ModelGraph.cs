using System.Collections.Generic;
using System.Collections.Immutable;
using Bert.Generators.Common;

namespace Bert.Generators.Graph
{
    /// <summary>A trainable parameter of the model, with its fully qualified names.</summary>
    internal sealed record ParamInfo(Value Value, string HfName, string Init, float InitScale, bool WeightDecay);

    /// <summary>A run-time dimension: fixed at construction (used by a parameter shape) or bound per step.</summary>
    internal sealed record SymbolDecl(string Name, bool FixedAtConstruction);

    /// <summary>A [Block] array field: the generated constructor allocates it.</summary>
    internal sealed record BlockArrayInfo(string Field, string TypeName, int Count);

    /// <summary>The whole model as graph IR: declarations, forward nodes, and (after autodiff) backward nodes.</summary>
    internal sealed class ModelGraph
    {
        public ModelGraph(string ns, string name, bool fuse)
        {
            Namespace = ns;
            Name = name;
            Fuse = fuse;
        }

        public string Namespace { get; }
        public string Name { get; }
        public bool Fuse { get; }
        public List<SymbolDecl> Symbols { get; } = new List<SymbolDecl>();
        public List<string> Hypers { get; } = new List<string>();
        public List<ParamInfo> Params { get; } = new List<ParamInfo>();
        public List<Value> Inputs { get; } = new List<Value>();
        public List<BlockArrayInfo> BlockArrays { get; } = new List<BlockArrayInfo>();
        public List<Node> Forward { get; } = new List<Node>();
        public List<Node> Backward { get; } = new List<Node>();
        public List<KeyValuePair<string, Value>> Outputs { get; } = new List<KeyValuePair<string, Value>>();
        public Value? Loss { get; set; }
        public int DropoutSites { get; set; }
        /// <summary>The builder that names this graph's values (autodiff keeps adding to it).</summary>
        public GraphBuilder? Builder { get; set; }
        public ImmutableArray<SizeExpr> ScalarShape => ImmutableArray<SizeExpr>.Empty;
    }
}
