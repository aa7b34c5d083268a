using Bert.Runtime;
using Bert.Samples.Finetuning;
using Bert.Samples.Importing.Onnx;
using Bert.Samples.Models;

namespace Bert.Samples.Importing;

/// <summary>
/// Reads a BERT encoder out of an ONNX export by the graph's structure, not by its tensor names (exports name the
/// MatMul weights onnx::MatMul_123 or 927): from the word-embedding Gather and the two tables added to it, through
/// each layer's query/key/value MatMul + Add (told apart by where they enter the attention: Q·Kᵀ, then softmax·V),
/// the attention output dense, LayerNorm (a LayerNormalization node, or ReduceMean/Sub/Pow/Sqrt/Div decomposed), the
/// intermediate dense, its activation (Erf or Tanh GELU, ReLU) and the output dense, to the pooler and an optional
/// classifier. Layers, hidden size, heads (from the head split's Reshape, checked against the attention scale), FFN
/// width and LayerNorm epsilon come from the graph. Weights come out under HuggingFace BERT names, Linear weights as
/// [out, in] (ONNX MatMul holds [in, out]).
/// </summary>
sealed class OnnxBertReader
{
    /// <summary>The standard operators a plain BERT export uses (the encoder, the mask and position arithmetic).</summary>
    static readonly HashSet<string> SupportedOps =
    [
        "Add", "Cast", "Concat", "Constant", "ConstantOfShape", "Div", "Dropout", "Equal", "Erf", "Expand", "Gather", "Gelu", "Gemm",
        "Identity", "LayerNormalization", "MatMul", "Mul", "Neg", "Not", "Pow", "Range", "ReduceMean", "ReduceSum", "Relu", "Reshape", "Shape",
        "Slice", "Softmax", "Sqrt", "Squeeze", "Sub", "Tanh", "Transpose", "Unsqueeze", "Where",
    ];

    /// <summary>Nodes that pass a tensor on with its values unchanged (layout, or nothing at all in eval mode).</summary>
    static readonly HashSet<string> PassThroughOps = ["Reshape", "Transpose", "Identity", "Dropout"];

    readonly OnnxGraph g;
    readonly List<ImportedTensor> tensors = [];
    readonly HashSet<string> used = new(StringComparer.Ordinal);
    readonly List<double> epsilons = [];

    OnnxBertReader(OnnxGraph graph) => g = graph;

    /// <summary>Reads the BERT in <paramref name="path"/>; anything else (another architecture, fused or custom operators) is a <see cref="UserError"/>.</summary>
    public static ImportedBert Read(string path)
    {
        var graph = OnnxGraph.Load(path);
        var unsupported = graph.Nodes.Where(n => n.Domain is not ("" or "ai.onnx") || !SupportedOps.Contains(n.OpType))
            .Select(n => n.Domain is "" or "ai.onnx" ? n.OpType : $"{n.OpType} ({n.Domain})").Distinct().Order(StringComparer.Ordinal).ToList();
        if (unsupported.Count > 0)
            throw new UserError($"'{path}' uses operators the ONNX import does not read: {string.Join(", ", unsupported)}. " +
                "Import a plain export of a BERT model (torch.onnx.export or optimum without ONNX Runtime's transformer fusions), or its HuggingFace folder.");
        return new OnnxBertReader(graph).Walk();
    }

    ImportedBert Walk()
    {
        var (h, vocab, hidden, positions, types) = Embeddings();
        int layers = 0, heads = 0, ffn = 0;
        string activation = "";
        while (QueryKeyValue(h) is { Count: > 0 } qkv)
        {
            var layer = Layer(layers, h, qkv);
            if (layers > 0 && (layer.Heads, layer.Ffn, layer.Activation) != (heads, ffn, activation))
                throw NotBert($"layer {layers} has {layer.Heads} heads, FFN {layer.Ffn} {layer.Activation}; layer 0 has {heads}, {ffn} {activation}");
            (h, heads, ffn, activation) = layer;
            layers++;
        }
        if (layers == 0) throw NotBert("no self-attention (three MatMuls for query, key and value) follows the embeddings' LayerNorm");
        var (classifier, pooling) = Pooler(h);

        var unused = g.Initializers.Where(t => t.DataType == OnnxGraph.FloatType && t.Dims.Aggregate(1L, (n, d) => n * d) > 1 && !used.Contains(t.Name))
            .Select(t => $"'{t.Name}' [{string.Join(", ", t.Dims)}]").ToList();
        if (unused.Count > 0)
            throw NotBert($"weights {string.Join(", ", unused.Take(5))}{(unused.Count > 5 ? ", ..." : "")} are not part of BERT's embeddings, encoder, pooler or classifier");
        double eps = epsilons[0];
        if (epsilons.Any(e => Math.Abs(e - eps) > 1e-3 * eps))
            throw NotBert($"its LayerNorms use different epsilons ({string.Join(", ", epsilons.Distinct().Select(e => e.ToString("G3")))})");

        var shape = new BertShape(layers, hidden, heads, ffn, activation, eps, positions, types);
        return new ImportedBert(shape, vocab, tensors, [classifier ? "BertForSequenceClassification" : "BertModel"], g.Path, pooling);
    }

    /// <summary>The word, position and token-type lookups and their sum's LayerNorm; returns the LayerNorm's output and the tables' sizes.</summary>
    (string Output, int Vocab, int Hidden, int Positions, int Types) Embeddings()
    {
        bool IsTable(NodeProto n) => n.OpType == "Gather" && g.IsFloatConstant(n.Input[0], 2) && OnnxGraph.Int(n, "axis", 0) == 0;
        bool FromInput(string value) => g.Inputs.Contains(value) || (g.Producer(value) is { OpType: "Cast" } cast && g.Inputs.Contains(cast.Input[0]));
        int Rows(NodeProto n) => (int)g.Constant(n.Input[0])!.Dims[0];

        var word = g.Nodes.Where(n => IsTable(n) && FromInput(n.Input[1])).MaxBy(Rows)
            ?? throw NotBert("it has no embedding lookup (a Gather from a weight table indexed by a graph input)");
        var tables = new List<NodeProto>();
        string sum = word.Output[0];
        while (g.Consumers(sum) is [{ OpType: "Add" } add])
        {
            string other = add.Input[0] == sum ? add.Input[1] : add.Input[0];
            tables.Add(g.Producer(other) is { } table && IsTable(table) ? table : throw NotBert("the word embeddings are added to something other than an embedding table"));
            sum = add.Output[0];
        }
        if (tables.Count != 2)
            throw NotBert($"the word embeddings are added to {tables.Count} other tables; BERT adds position and token-type embeddings");
        // Token types are indexed by a graph input; positions usually by computed ids. Otherwise the smaller table holds the types.
        var types = tables.Count(t => FromInput(t.Input[1])) == 1 ? tables.Single(t => FromInput(t.Input[1])) : tables.MinBy(Rows)!;
        var position = tables.Single(t => t != types);

        int hidden = (int)g.Constant(word.Input[0])!.Dims[1];
        if (tables.Any(t => g.Constant(t.Input[0])!.Dims[1] != hidden)) throw NotBert("its embedding tables have different widths");
        Keep("bert.embeddings.word_embeddings.weight", word.Input[0]);
        Keep("bert.embeddings.position_embeddings.weight", position.Input[0]);
        Keep("bert.embeddings.token_type_embeddings.weight", types.Input[0]);
        return (LayerNorm(sum, "bert.embeddings.LayerNorm"), Rows(word), hidden, Rows(position), Rows(types));
    }

    /// <summary>The MatMuls with a weight that read <paramref name="h"/>: a layer's query, key and value (none after the last layer).</summary>
    List<NodeProto> QueryKeyValue(string h)
    {
        var matmuls = g.Consumers(h).Where(n => n.OpType == "MatMul" && n.Input[0] == h && g.IsFloatConstant(n.Input[1], 2)).ToList();
        return matmuls.Count is 0 or 3 ? matmuls : throw NotBert($"'{h}' feeds {matmuls.Count} weight MatMuls; a BERT layer starts with three (query, key, value)");
    }

    (string Output, int Heads, int Ffn, string Activation) Layer(int index, string h, List<NodeProto> qkv)
    {
        string p = $"bert.encoder.layer.{index}.";
        // Each projection's output, followed through the head split (Reshape, Transpose) to the MatMul it enters.
        var projections = qkv.Select(m => (MatMul: m, Bias: BiasAdd(m))).Select(x => (x.MatMul, x.Bias, Path: Follow(x.Bias.Output[0]))).ToList();
        var query = projections.SingleOrDefault(x => x.Path.Node.OpType == "MatMul" && x.Path.Node.Input[0] == x.Path.Value
            && projections.Any(k => k.Path.Node == x.Path.Node && k.Path.Node.Input[1] == k.Path.Value));
        if (query.MatMul is null) throw NotBert($"layer {index}: no two projections meet in a MatMul as query and key");
        var key = projections.Single(k => k.Path.Node == query.Path.Node && k.MatMul != query.MatMul);
        var value = projections.Single(v => v.MatMul != query.MatMul && v.MatMul != key.MatMul);
        int hidden = (int)g.Constant(query.MatMul.Input[1])!.Dims[1];
        Dense(query.MatMul, p + "attention.self.query");
        Dense(key.MatMul, p + "attention.self.key");
        Dense(value.MatMul, p + "attention.self.value");

        // scores = Q·Kᵀ · scale (+ mask) → softmax → · V
        var scores = Follow(query.Path.Node.Output[0]);
        double scale = query.Path.Scale * key.Path.Scale * scores.Scale;
        if (scores.Node.OpType == "Add")
        {
            scores = Follow(scores.Node.Output[0]);
            scale *= scores.Scale;
        }
        if (scores.Node.OpType != "Softmax") throw NotBert($"layer {index}: the attention scores go to a {OnnxGraph.Describe(scores.Node)}, not a Softmax");
        var context = Follow(scores.Node.Output[0]);
        if (context.Node.OpType != "MatMul" || context.Node.Input[0] != context.Value || context.Node.Input[1] != value.Path.Value)
            throw NotBert($"layer {index}: the attention probabilities are not multiplied with the value projection");

        int heads = Heads(query.Path.Reshape, hidden, index);
        double expected = 1 / Math.Sqrt(hidden / heads);
        if (Math.Abs(scale - expected) > 1e-4 * expected)
            throw NotBert($"layer {index}: the attention scale is {scale:G6}, not 1/sqrt({hidden / heads}) = {expected:G6}");

        var output = Follow(context.Node.Output[0]);
        if (!IsWeightMatMul(output.Node)) throw NotBert($"layer {index}: the attention context goes to a {OnnxGraph.Describe(output.Node)}, not the output dense");
        string attention = LayerNorm(Residual(Dense(output.Node, p + "attention.output.dense"), h, index), p + "attention.output.LayerNorm");

        var intermediate = g.Consumers(attention).Where(IsWeightMatMul).ToList();
        if (intermediate is not [var up]) throw NotBert($"layer {index}: the attention's LayerNorm feeds {intermediate.Count} weight MatMuls; BERT's feed-forward has one");
        string u = Dense(up, p + "intermediate.dense");
        int ffn = (int)g.Constant(up.Input[1])!.Dims[1];
        var (activation, down) = Activation(u, index);
        string x = LayerNorm(Residual(Dense(down, p + "output.dense"), attention, index), p + "output.LayerNorm");
        return (x, heads, ffn, activation);
    }

    /// <summary>The head count, from the head split's target shape [batch, seq, heads, head size].</summary>
    int Heads(NodeProto? reshape, int hidden, int index)
    {
        long[]? target = reshape is null ? null : ShapeValues(reshape.Input[1]);
        if (target is not { Length: 4 }) throw NotBert($"layer {index}: the query is not split into heads by a Reshape to [batch, seq, heads, head size]");
        long heads = target[2] > 0 ? target[2] : target[3] > 0 ? hidden / target[3] : 0;
        if (heads <= 0 || hidden % heads != 0) throw NotBert($"layer {index}: the head split's shape [{string.Join(", ", target)}] does not divide hidden size {hidden}");
        return (int)heads;
    }

    /// <summary>A shape operand's values: a constant, or a Concat whose computed parts (batch, sequence) read as -1.</summary>
    long[]? ShapeValues(string value)
    {
        if (g.Constant(value) is { } t) return OnnxGraph.Integers(t);
        if (g.Producer(value) is not { OpType: "Concat" } concat) return null;
        return [.. concat.Input.SelectMany(part => g.Constant(part) is { } c ? OnnxGraph.Integers(c) : [-1L])];
    }

    /// <summary>
    /// Follows <paramref name="value"/> through nodes that keep its values (Reshape, Transpose, Identity, Dropout) and
    /// scalar Mul/Div, ignoring Shape reads, to the next node that computes; returns it, the value it reads, the
    /// product of the scalars, and the first Reshape passed.
    /// </summary>
    (NodeProto Node, string Value, double Scale, NodeProto? Reshape) Follow(string value)
    {
        double scale = 1;
        NodeProto? reshape = null;
        while (true)
        {
            var next = g.Consumers(value).Where(n => n.OpType != "Shape").ToList();
            if (next is not [var node]) throw NotBert($"'{value}' feeds {next.Count} nodes where BERT's attention feeds one");
            string other = node.Input.Count == 2 ? (node.Input[0] == value ? node.Input[1] : node.Input[0]) : "";
            if (PassThroughOps.Contains(node.OpType) && node.Input[0] == value)
            {
                if (node.OpType == "Reshape") reshape ??= node;
            }
            else if (node.OpType == "Div" && node.Input[0] == value && g.Scalar(other) is { } divisor) scale /= divisor;
            else if (node.OpType == "Mul" && g.Scalar(other) is { } factor) scale *= factor;
            else return (node, value, scale, reshape);
            value = node.Output[0];
        }
    }

    bool IsWeightMatMul(NodeProto n) =>
        (n.OpType == "MatMul" && g.IsFloatConstant(n.Input[1], 2)) || (n.OpType == "Gemm" && g.IsFloatConstant(n.Input[1], 2));

    /// <summary>The bias Add after a weight MatMul.</summary>
    NodeProto BiasAdd(NodeProto matmul)
    {
        string y = matmul.Output[0];
        return g.Consumers(y) is [{ OpType: "Add" } add] && g.IsFloatConstant(add.Input[0] == y ? add.Input[1] : add.Input[0], 1)
            ? add : throw NotBert($"the {OnnxGraph.Describe(matmul)} (a Linear layer's weight) is not followed by a bias Add");
    }

    /// <summary>Keeps a Linear layer (MatMul + bias Add, or Gemm) as <paramref name="name"/>.weight [out, in] and .bias; returns its output.</summary>
    string Dense(NodeProto node, string name)
    {
        var w = g.Constant(node.Input[1])!;
        if (node.OpType == "Gemm")
        {
            if (node.Input.Count < 3 || !g.IsFloatConstant(node.Input[2], 1) || OnnxGraph.Int(node, "transA", 0) != 0
                || node.Attribute.Any(a => a.Name is "alpha" or "beta" && a.F != 1f))
                throw NotBert($"the {OnnxGraph.Describe(node)} is not a plain Linear layer (x·Wᵀ + b)");
            Keep(name + ".weight", w, transpose: OnnxGraph.Int(node, "transB", 0) == 0);
            Keep(name + ".bias", node.Input[2]);
            return node.Output[0];
        }
        var add = BiasAdd(node);
        Keep(name + ".weight", w, transpose: true);
        Keep(name + ".bias", add.Input[0] == node.Output[0] ? add.Input[1] : add.Input[0]);
        return add.Output[0];
    }

    string Residual(string branch, string skip, int index) =>
        g.Consumers(branch) is [{ OpType: "Add" } add] && add.Input.Contains(skip)
            ? add.Output[0] : throw NotBert($"layer {index}: a sublayer's output is not added to its input (the residual connection)");

    /// <summary>The feed-forward activation between the intermediate dense's output <paramref name="u"/> and the output dense.</summary>
    (string Activation, NodeProto Down) Activation(string u, int index)
    {
        var ops = new List<NodeProto>();
        var downs = new HashSet<NodeProto>();
        var pending = new Queue<string>([u]);
        var seen = new HashSet<NodeProto>();
        while (pending.TryDequeue(out string? value))
            foreach (var node in g.Consumers(value).Where(seen.Add))
            {
                if (IsWeightMatMul(node)) { downs.Add(node); continue; }
                ops.Add(node);
                foreach (string output in node.Output) pending.Enqueue(output);
            }
        if (downs is not { Count: 1 }) throw NotBert($"layer {index}: the feed-forward activation feeds {downs.Count} weight MatMuls, not one output dense");
        var types = ops.Select(n => n.OpType).ToHashSet(StringComparer.Ordinal);
        string activation =
            ops.FirstOrDefault(n => n.OpType == "Gelu") is { } gelu ? (gelu.Attribute.FirstOrDefault(a => a.Name == "approximate")?.S.ToStringUtf8() == "tanh" ? "gelu_new" : "gelu")
            : types.Contains("Erf") ? "gelu"
            : types.Contains("Tanh") && types.Contains("Pow") ? "gelu_new"
            : types.SetEquals(["Relu"]) ? "relu"
            : throw NotBert($"layer {index}: the feed-forward activation ({string.Join(", ", types.Order(StringComparer.Ordinal))}) is none of GELU (Erf or Tanh form) and ReLU");
        return (activation, downs.Single());
    }

    /// <summary>LayerNorm over the last axis of <paramref name="x"/> as <paramref name="name"/>.weight/.bias; returns its output.</summary>
    string LayerNorm(string x, string name)
    {
        var consumers = g.Consumers(x);
        if (consumers.FirstOrDefault(n => n.OpType == "LayerNormalization") is { } fused)
        {
            if (OnnxGraph.Int(fused, "axis", -1) != -1 || fused.Input.Count < 3) throw NotBert($"the {OnnxGraph.Describe(fused)} does not normalize the last axis with a weight and a bias");
            epsilons.Add((double)(decimal)(fused.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f));
            Keep(name + ".weight", fused.Input[1]);
            Keep(name + ".bias", fused.Input[2]);
            return fused.Output[0];
        }
        // (x - mean) / sqrt(mean((x - mean)^2) + eps) * weight + bias
        string where = $"for {name}, after '{x}'";
        var mean = consumers.FirstOrDefault(n => n.OpType == "ReduceMean") ?? throw NotBert($"no LayerNorm (LayerNormalization, or ReduceMean ... Sqrt ... Div) {where}");
        var centered = consumers.FirstOrDefault(n => n.OpType == "Sub" && n.Input[1] == mean.Output[0]) ?? throw NotBert($"the LayerNorm {where} does not subtract the mean");
        string d = centered.Output[0];
        var square = Next(d, "Pow", where);
        if (g.Scalar(square.Input[1]) != 2) throw NotBert($"the LayerNorm {where} does not square the deviations");
        var epsilon = Next(Next(square.Output[0], "ReduceMean", where).Output[0], "Add", where);
        double eps = g.Scalar(epsilon.Input[1]) ?? g.Scalar(epsilon.Input[0]) ?? throw NotBert($"the LayerNorm {where} adds no constant epsilon");
        var root = Next(epsilon.Output[0], "Sqrt", where);
        var normalized = g.Consumers(d).FirstOrDefault(n => n.OpType == "Div" && n.Input[1] == root.Output[0]) ?? throw NotBert($"the LayerNorm {where} does not divide by the deviation");
        var scaled = Next(normalized.Output[0], "Mul", where);
        var shifted = Next(scaled.Output[0], "Add", where);
        string Other(NodeProto n, string v) => n.Input[0] == v ? n.Input[1] : n.Input[0];
        epsilons.Add((double)(decimal)(float)eps);   // a float32 constant: 1e-12, not 9.99999996e-13
        Keep(name + ".weight", Other(scaled, normalized.Output[0]));
        Keep(name + ".bias", Other(shifted, scaled.Output[0]));
        return shifted.Output[0];
    }

    NodeProto Next(string value, string op, string where) =>
        g.Consumers(value).FirstOrDefault(n => n.OpType == op) ?? throw NotBert($"the LayerNorm {where} has no {op} where BERT's has one");

    /// <summary>
    /// The pooler (dense + tanh on the first token, or on the masked mean over the tokens as <c>bert export</c> writes a
    /// mean-pooled classifier) and a classifier after it, when the export has them; with a classifier, its pooling.
    /// </summary>
    (bool Classifier, SentencePooling? Pooling) Pooler(string h)
    {
        var (input, pooling) = PoolerInput(h);
        if (input is null) return (false, null);
        var dense = Follow(input);
        if (!IsWeightMatMul(dense.Node)) return (false, null);
        string pooled = Dense(dense.Node, "bert.pooler.dense");
        if (g.Consumers(pooled) is not [{ OpType: "Tanh" } tanh]) throw NotBert("the pooler's dense is not followed by tanh");
        if (g.Consumers(tanh.Output[0]).Where(n => n.OpType != "Shape").ToList() is not [_]) return (false, null);
        var head = Follow(tanh.Output[0]);
        if (!IsWeightMatMul(head.Node)) return (false, null);
        Dense(head.Node, "classifier");
        return (true, pooling);
    }

    /// <summary>What the pooler reads: the first token (Gather on axis 1), or Σ h·mask / Σ mask over axis 1 (ReduceSum, Div).</summary>
    (string? Input, SentencePooling Pooling) PoolerInput(string h)
    {
        var consumers = g.Consumers(h);
        if (consumers.FirstOrDefault(n => n.OpType == "Gather" && OnnxGraph.Int(n, "axis", 0) == 1 && g.Scalar(n.Input[1]) == 0) is { } first)
            return (first.Output[0], SentencePooling.Cls);
        foreach (var masked in consumers.Where(n => n.OpType == "Mul"))
            if (g.Consumers(masked.Output[0]) is [{ OpType: "ReduceSum" } sum] && g.Consumers(sum.Output[0]) is [{ OpType: "Div" } mean] && mean.Input[0] == sum.Output[0])
                return (mean.Output[0], SentencePooling.Mean);
        return (null, SentencePooling.Cls);
    }

    void Keep(string name, string value, bool transpose = false) =>
        Keep(name, g.Constant(value) is { DataType: OnnxGraph.FloatType } t ? t : throw NotBert($"'{value}' ({name}) is not a float32 weight"), transpose);

    void Keep(string name, TensorProto t, bool transpose = false)
    {
        var shape = OnnxGraph.Dims(t);
        var values = g.Floats(t);
        if (transpose) (values, shape) = (OnnxGraph.Transpose(values, shape[0], shape[1]), [shape[1], shape[0]]);
        used.Add(t.Name);
        tensors.Add(new ImportedTensor(name, shape, values));
    }

    UserError NotBert(string what) => new($"'{g.Path}' is not a BERT graph the ONNX import reads: {what}.");
}
