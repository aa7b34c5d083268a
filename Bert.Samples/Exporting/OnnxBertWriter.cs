using Bert.Runtime;
using Bert.Samples.Finetuning;
using Bert.Samples.Importing;
using Bert.Samples.Importing.Onnx;
using Bert.Samples.Models;
using Google.Protobuf;

namespace Bert.Samples.Exporting;

/// <summary>
/// Writes a BERT (weights under HuggingFace names) as a plain ONNX graph, opset 17, in the layout of a
/// torch.onnx export of BertModel / BertForSequenceClassification: inputs input_ids, attention_mask and
/// token_type_ids ([batch, sequence], int64); outputs last_hidden_state, pooler_output and, with a classifier,
/// logits. Only standard operators: Gather for the embeddings, LayerNormalization, MatMul + Add for every Linear,
/// Reshape/Transpose for the heads, Softmax, GELU as x·½·(1 + erf(x/√2)). <see cref="OnnxBertReader"/> reads it back.
/// </summary>
sealed class OnnxBertWriter
{
    const int Opset = 17, IrVersion = 8;
    const float MaskedScore = -1e9f;   // added to the scores of padding: exp underflows to exactly 0

    readonly GraphProto graph = new() { Name = "bert" };
    readonly Dictionary<string, ImportedTensor> weights;
    int next;

    OnnxBertWriter(ImportedBert model) => weights = model.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>
    /// Writes <paramref name="model"/> to <paramref name="path"/>, its pooler reading the [CLS] token or the mean of the
    /// tokens as the checkpoint was fine-tuned (<see cref="ImportedBert.Pooling"/>); a model this writer cannot express is a <see cref="UserError"/>.
    /// </summary>
    public static void Write(ImportedBert model, string path)
    {
        var s = model.Shape;
        if (s.Activation is not ("gelu" or "relu"))
            throw new UserError($"'{model.Source}' uses the activation {s.Activation}; the ONNX export writes GELU (erf) and ReLU models.");
        var writer = new OnnxBertWriter(model);
        foreach (string required in new[] { "bert.embeddings.LayerNorm.weight", "bert.pooler.dense.weight" })
            if (!writer.weights.ContainsKey(required))
                throw new UserError($"'{model.Source}' has no {required}: the ONNX export writes BERT models with HuggingFace's embedding LayerNorm and " +
                                    "pooler (fine-tune our pretraining's checkpoint first: 'bert finetune' adds both).");
        var onnx = new ModelProto { IrVersion = IrVersion, ProducerName = "Bert.Compiler", ProducerVersion = "1", Graph = writer.Build(s, model.Pooling ?? FinetuneSettings.DefaultPooling) };
        onnx.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string partial = full + ".partial";
        using (var file = File.Create(partial)) onnx.WriteTo(file);
        File.Move(partial, full, overwrite: true);
    }

    GraphProto Build(BertShape s, SentencePooling pooling)
    {
        Input("input_ids");
        Input("attention_mask");
        Input("token_type_ids");
        int headSize = s.Hidden / s.Heads;

        // Embeddings: word + position (0 … sequence − 1) + token type, then LayerNorm.
        string seq = Node("Gather", [Node("Shape", ["input_ids"]), Int64Scalar(1)], ("axis", 0L));
        string positions = Node("Range", [Int64Scalar(0), seq, Int64Scalar(1)]);
        string words = Node("Gather", [Weight("bert.embeddings.word_embeddings.weight"), "input_ids"]);
        string withPositions = Node("Add", [words, Node("Gather", [Weight("bert.embeddings.position_embeddings.weight"), positions])]);
        string embedded = Node("Add", [withPositions, Node("Gather", [Weight("bert.embeddings.token_type_embeddings.weight"), "token_type_ids"])]);
        string h = LayerNorm(embedded, "bert.embeddings.LayerNorm", s.LayerNormEps);

        // The additive attention mask: 0 on tokens, MaskedScore on padding, as [batch, 1, 1, sequence].
        string tokenMask = Node("Cast", ["attention_mask"], ("to", (long)OnnxGraph.FloatType));
        string padding = Node("Sub", [FloatScalar(1), tokenMask]);
        string mask = Node("Unsqueeze", [Node("Mul", [padding, FloatScalar(MaskedScore)]), Int64s(1, 2)]);

        for (int l = 0; l < s.Layers; l++)
        {
            string p = $"bert.encoder.layer.{l}.";
            string Heads(string x, long[] perm) => Node("Transpose", [Node("Reshape", [x, Int64s(0, 0, s.Heads, headSize)])], ("perm", perm));
            string q = Heads(Dense(h, p + "attention.self.query"), [0, 2, 1, 3]);
            string kT = Heads(Dense(h, p + "attention.self.key"), [0, 2, 3, 1]);
            string v = Heads(Dense(h, p + "attention.self.value"), [0, 2, 1, 3]);
            string scores = Node("Add", [Node("Div", [Node("MatMul", [q, kT]), FloatScalar(MathF.Sqrt(headSize))]), mask]);
            string context = Node("MatMul", [Node("Softmax", [scores], ("axis", -1L)), v]);
            string merged = Node("Reshape", [Node("Transpose", [context], ("perm", new long[] { 0, 2, 1, 3 })), Int64s(0, 0, s.Hidden)]);
            string attention = LayerNorm(Node("Add", [Dense(merged, p + "attention.output.dense"), h]), p + "attention.output.LayerNorm", s.LayerNormEps);
            string up = Dense(attention, p + "intermediate.dense");
            string activated = s.Activation == "relu" ? Node("Relu", [up])
                : Node("Mul", [Node("Mul", [up, Node("Add", [Node("Erf", [Node("Div", [up, FloatScalar(MathF.Sqrt(2))])]), FloatScalar(1)])]), FloatScalar(0.5f)]);
            h = LayerNorm(Node("Add", [Dense(activated, p + "output.dense"), attention]), p + "output.LayerNorm", s.LayerNormEps,
                output: l == s.Layers - 1 ? "last_hidden_state" : null);
        }
        Output("last_hidden_state", [null, null, s.Hidden]);

        // Pooler (dense + tanh on [CLS], or on the mean over the tokens) and, when the checkpoint has one, the classifier.
        string pooledInput = pooling == SentencePooling.Mean
            ? Node("Div", [Node("ReduceSum", [Node("Mul", [h, Node("Unsqueeze", [tokenMask, Int64s(2)])]), Int64s(1)], ("keepdims", 0L)),
                           Node("ReduceSum", [tokenMask, Int64s(1)], ("keepdims", 1L))])
            : Node("Gather", [h, Int64Scalar(0)], ("axis", 1L));
        string pooled = Node("Tanh", [Dense(pooledInput, "bert.pooler.dense")], output: "pooler_output");
        Output("pooler_output", [null, s.Hidden]);
        if (weights.ContainsKey("classifier.weight"))
        {
            Dense(pooled, "classifier", output: "logits");
            Output("logits", [null, weights["classifier.weight"].Shape[0]]);
        }
        return graph;
    }

    /// <summary>x·Wᵀ + b for the Linear layer <paramref name="name"/> (its [out, in] weight stored as MatMul's [in, out]).</summary>
    string Dense(string x, string name, string? output = null) =>
        Node("Add", [Node("MatMul", [x, Weight(name + ".weight", transpose: true)]), Weight(name + ".bias")], output: output);

    string LayerNorm(string x, string name, double eps, string? output = null) =>
        Node("LayerNormalization", [x, Weight(name + ".weight"), Weight(name + ".bias")], [("axis", -1L), ("epsilon", (float)eps)], output);

    string Node(string op, string[] inputs, params (string Name, object Value)[] attributes) => Node(op, inputs, attributes, null);

    string Node(string op, string[] inputs, string? output) => Node(op, inputs, [], output);

    string Node(string op, string[] inputs, (string Name, object Value)[] attributes, string? output)
    {
        string name = $"{op}_{next++}";
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(output ?? name);
        foreach (var (key, value) in attributes)
            node.Attribute.Add(value switch
            {
                long i => new AttributeProto { Name = key, I = i, Type = 2 },
                float f => new AttributeProto { Name = key, F = f, Type = 1 },
                long[] ints => new AttributeProto { Name = key, Ints = { ints }, Type = 7 },
                _ => throw new ArgumentException($"attribute {key}: {value.GetType().Name}"),
            });
        graph.Node.Add(node);
        return node.Output[0];
    }

    string Weight(string name, bool transpose = false)
    {
        if (!weights.TryGetValue(name, out var t)) throw new UserError($"The checkpoint has no {name}; it is not a complete BERT.");
        var (values, shape) = transpose ? (OnnxGraph.Transpose(t.Values, t.Shape[0], t.Shape[1]), [t.Shape[1], t.Shape[0]]) : (t.Values, t.Shape);
        return Initializer(name, OnnxGraph.FloatType, [.. shape.Select(d => (long)d)], ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())));
    }

    string FloatScalar(float value) =>
        Initializer($"const_{next++}", OnnxGraph.FloatType, [], ByteString.CopyFrom(BitConverter.GetBytes(value)));

    string Int64Scalar(long value) => Initializer($"const_{next++}", OnnxGraph.Int64Type, [], ByteString.CopyFrom(BitConverter.GetBytes(value)));

    string Int64s(params long[] values) =>
        Initializer($"const_{next++}", OnnxGraph.Int64Type, [values.Length], ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())));

    string Initializer(string name, int type, long[] dims, ByteString raw)
    {
        var tensor = new TensorProto { Name = name, DataType = type, RawData = raw };
        tensor.Dims.AddRange(dims);
        graph.Initializer.Add(tensor);
        return name;
    }

    void Input(string name) => graph.Input.Add(Value(name, OnnxGraph.Int64Type, [null, null]));

    void Output(string name, int?[] dims) => graph.Output.Add(Value(name, OnnxGraph.FloatType, dims));

    static ValueInfoProto Value(string name, int type, int?[] dims)
    {
        var shape = new TensorShapeProto();
        string[] symbolic = ["batch", "sequence"];
        for (int i = 0; i < dims.Length; i++)
            shape.Dim.Add(dims[i] is { } d ? new TensorShapeProto.Types.Dimension { DimValue = d } : new TensorShapeProto.Types.Dimension { DimParam = symbolic[i] });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = type, Shape = shape } } };
    }
}
