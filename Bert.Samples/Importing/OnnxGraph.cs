using System.Runtime.InteropServices;
using Bert.Runtime;
using Bert.Samples.Importing.Onnx;
using Google.Protobuf;

namespace Bert.Samples.Importing;

/// <summary>
/// An ONNX model's main graph, indexed for walking: which node produces each value, which nodes consume it, and the
/// constant tensors (initializers and Constant nodes) by value name.
/// </summary>
sealed class OnnxGraph
{
    readonly Dictionary<string, NodeProto> producers = new(StringComparer.Ordinal);
    readonly Dictionary<string, List<NodeProto>> consumers = new(StringComparer.Ordinal);
    readonly Dictionary<string, TensorProto> constants = new(StringComparer.Ordinal);

    OnnxGraph(string path, GraphProto graph)
    {
        Path = path;
        Nodes = graph.Node;
        Inputs = graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        Outputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        Initializers = graph.Initializer;
        foreach (var t in graph.Initializer) constants[t.Name] = t;
        Inputs.ExceptWith(constants.Keys);   // older exports list initializers among the inputs too
        foreach (var node in graph.Node)
        {
            foreach (string output in node.Output) producers[output] = node;
            foreach (string input in node.Input.Where(i => i.Length > 0))
            {
                if (!consumers.TryGetValue(input, out var list)) consumers[input] = list = [];
                list.Add(node);
            }
            if (node is { OpType: "Constant", Domain: "" } && node.Attribute.FirstOrDefault(a => a.Name == "value")?.T is { } value)
                constants[node.Output[0]] = value;
        }
    }

    /// <summary>The file the graph was read from, for messages.</summary>
    public string Path { get; }
    public IReadOnlyList<NodeProto> Nodes { get; }
    public IReadOnlyList<TensorProto> Initializers { get; }

    /// <summary>The graph's runtime inputs (token ids, masks), initializers excluded.</summary>
    public HashSet<string> Inputs { get; }
    public HashSet<string> Outputs { get; }

    /// <summary>Reads <paramref name="path"/>; a missing, unreadable or non-ONNX file is a <see cref="UserError"/>.</summary>
    public static OnnxGraph Load(string path)
    {
        if (!File.Exists(path)) throw new UserError($"ONNX file '{path}' does not exist.");
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(path);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new UserError($"'{path}' is not an ONNX model (its protobuf does not parse: {e.Message}).", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserError($"Cannot read '{path}': {e.Message}", e);
        }
        if (model.Graph is not { Node.Count: > 0 } graph)
            throw new UserError($"'{path}' is not an ONNX model: it holds no graph.");
        if (graph.Initializer.FirstOrDefault(t => t.DataLocation == 1 || t.ExternalData.Count > 0) is { } external)
            throw new UserError($"'{path}' keeps its weights in external data files ('{external.Name}'); save the model with its weights inside the .onnx file (onnx.save(model, path, save_as_external_data=False)).");
        return new OnnxGraph(path, graph);
    }

    public NodeProto? Producer(string value) => producers.GetValueOrDefault(value);

    public IReadOnlyList<NodeProto> Consumers(string value) => consumers.TryGetValue(value, out var list) ? list : [];

    /// <summary>The constant tensor named <paramref name="value"/> (an initializer or a Constant node's output), or null.</summary>
    public TensorProto? Constant(string value) => constants.GetValueOrDefault(value);

    /// <summary>Whether <paramref name="value"/> is a float32 constant of rank <paramref name="rank"/>.</summary>
    public bool IsFloatConstant(string value, int rank) => Constant(value) is { DataType: FloatType } t && t.Dims.Count == rank;

    /// <summary>The single float of a constant scalar (or one-element tensor), or null when <paramref name="value"/> is none.</summary>
    public double? Scalar(string value) =>
        Constant(value) is { } t && t.Dims.Aggregate(1L, (n, d) => n * d) == 1
            ? t.DataType switch { FloatType => Floats(t)[0], DoubleType => t.DoubleData.Count > 0 ? t.DoubleData[0] : BitConverter.ToDouble(t.RawData.Span), _ => Integers(t)[0] }
            : null;

    public const int FloatType = 1, Int32Type = 6, Int64Type = 7, DoubleType = 11;

    public static int[] Dims(TensorProto t) => [.. t.Dims.Select(d => checked((int)d))];

    /// <summary>The values of a float32 tensor, from raw_data or float_data.</summary>
    public float[] Floats(TensorProto t)
    {
        if (t.DataType != FloatType) throw new UserError($"'{Path}': tensor '{t.Name}' is of ONNX type {t.DataType}, not float32; only float32 weights are imported.");
        long count = t.Dims.Aggregate(1L, (n, d) => n * d);
        float[] values = t.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray() : [.. t.FloatData];
        if (values.Length != count)
            throw new UserError($"'{Path}': tensor '{t.Name}' of shape [{string.Join(", ", t.Dims)}] holds {values.Length} values: the file is damaged.");
        return values;
    }

    /// <summary>The values of an integer tensor (int64 or int32), from raw_data or the typed fields.</summary>
    public static long[] Integers(TensorProto t) => t.DataType switch
    {
        Int64Type => t.RawData.Length > 0 ? MemoryMarshal.Cast<byte, long>(t.RawData.Span).ToArray() : [.. t.Int64Data],
        Int32Type => t.RawData.Length > 0 ? [.. MemoryMarshal.Cast<byte, int>(t.RawData.Span).ToArray().Select(v => (long)v)] : [.. t.Int32Data.Select(v => (long)v)],
        _ => [],
    };

    /// <summary>The integer attribute <paramref name="name"/> of <paramref name="node"/>, or <paramref name="fallback"/>.</summary>
    /// <summary>The [cols, rows] transpose of a row-major [rows, cols] matrix: HuggingFace's Linear [out, in] against ONNX MatMul's [in, out].</summary>
    public static float[] Transpose(float[] values, int rows, int cols)
    {
        var transposed = new float[values.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) transposed[c * rows + r] = values[r * cols + c];
        return transposed;
    }

    public static long Int(NodeProto node, string name, long fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : fallback;

    public static string Describe(NodeProto node) =>
        $"{node.OpType} node{(node.Name.Length > 0 ? $" '{node.Name}'" : "")}";
}
