using Bert.Samples.Importing.Onnx;
using Google.Protobuf;

namespace Bert.Samples.Tests.Onnx;

/// <summary>Rewrites of a real export into the other forms the import reads, to test those paths on real weights.</summary>
static class OnnxRewrites
{
    /// <summary>
    /// Replaces every decomposed LayerNorm (ReduceMean, Sub, Pow, ReduceMean, Add eps, Sqrt, Div, Mul, Add) by one
    /// opset-17 LayerNormalization node with the same epsilon, inputs and output; returns how many it fused.
    /// </summary>
    public static int FuseLayerNorms(ModelProto model)
    {
        var nodes = model.Graph.Node;
        NodeProto Consumer(string value, string op) => nodes.First(n => n.OpType == op && n.Input.Contains(value));
        float Constant(string value) => BitConverter.ToSingle(nodes.Single(n => n.Output.Contains(value)).Attribute.Single(a => a.Name == "value").T.RawData.Span);
        string Other(NodeProto n, string value) => n.Input[0] == value ? n.Input[1] : n.Input[0];

        int fused = 0;
        while (nodes.FirstOrDefault(n => n.OpType == "ReduceMean" && nodes.Any(s => s.OpType == "Sub" && s.Input[1] == n.Output[0])) is { } mean)
        {
            string x = mean.Input[0];
            var sub = Consumer(mean.Output[0], "Sub");
            var pow = Consumer(sub.Output[0], "Pow");
            var variance = Consumer(pow.Output[0], "ReduceMean");
            var epsilon = Consumer(variance.Output[0], "Add");
            var sqrt = Consumer(epsilon.Output[0], "Sqrt");
            var div = Consumer(sqrt.Output[0], "Div");
            var mul = Consumer(div.Output[0], "Mul");
            var add = Consumer(mul.Output[0], "Add");
            var norm = new NodeProto { OpType = "LayerNormalization", Name = $"fused_layer_norm_{fused++}" };
            norm.Input.AddRange([x, Other(mul, div.Output[0]), Other(add, mul.Output[0])]);
            norm.Output.Add(add.Output[0]);
            norm.Attribute.Add(new AttributeProto { Name = "epsilon", F = Constant(epsilon.Input[1]), Type = 1 });
            norm.Attribute.Add(new AttributeProto { Name = "axis", I = -1, Type = 2 });
            int at = nodes.IndexOf(mean);
            foreach (var n in new[] { mean, sub, pow, variance, epsilon, sqrt, div, mul, add }) nodes.Remove(n);
            nodes.Insert(at, norm);
        }
        model.OpsetImport.Single(o => o.Domain == "").Version = 17;
        return fused;
    }

    /// <summary>
    /// Replaces every Erf GELU (Div √2, Erf, Add 1, Mul x, Mul 0.5) by the nodes <paramref name="activation"/> makes
    /// from its input and output names; returns how many it replaced.
    /// </summary>
    public static int ReplaceGelu(ModelProto model, Func<string, string, int, IEnumerable<NodeProto>> activation)
    {
        var nodes = model.Graph.Node;
        NodeProto Consumer(string value, string op) => nodes.First(n => n.OpType == op && n.Input.Contains(value));
        int replaced = 0;
        while (nodes.FirstOrDefault(n => n.OpType == "Erf") is { } erf)
        {
            var div = nodes.Single(n => n.Output.Contains(erf.Input[0]));
            string x = div.Input[0];
            var plusOne = Consumer(erf.Output[0], "Add");
            var times = Consumer(plusOne.Output[0], "Mul");
            var half = Consumer(times.Output[0], "Mul");
            int at = nodes.IndexOf(div);
            foreach (var n in new[] { div, erf, plusOne, times, half }) nodes.Remove(n);
            foreach (var n in activation(x, half.Output[0], replaced++).Reverse()) nodes.Insert(at, n);
        }
        return replaced;
    }

    /// <summary>x → y = ReLU(x).</summary>
    public static IEnumerable<NodeProto> Relu(string x, string y, int index) => [Op("Relu", [x], y)];

    /// <summary>x → y = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), the tanh GELU of gelu_new.</summary>
    public static IEnumerable<NodeProto> TanhGelu(string x, string y, int index)
    {
        string V(string name) => $"tanh_gelu_{index}_{name}";
        return
        [
            Scalar(V("three"), 3f), Scalar(V("c"), 0.044715f), Scalar(V("k"), MathF.Sqrt(2f / MathF.PI)), Scalar(V("one"), 1f), Scalar(V("half"), 0.5f),
            Op("Pow", [x, V("three")], V("cube")), Op("Mul", [V("cube"), V("c")], V("cubic")), Op("Add", [x, V("cubic")], V("inner")),
            Op("Mul", [V("inner"), V("k")], V("scaled")), Op("Tanh", [V("scaled")], V("tanh")), Op("Add", [V("tanh"), V("one")], V("gate")),
            Op("Mul", [x, V("gate")], V("gated")), Op("Mul", [V("gated"), V("half")], y),
        ];
    }

    static NodeProto Op(string type, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = type };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }

    static NodeProto Scalar(string name, float value)
    {
        var tensor = new TensorProto { DataType = 1, RawData = ByteString.CopyFrom(BitConverter.GetBytes(value)) };
        var node = new NodeProto { OpType = "Constant" };
        node.Output.Add(name);
        node.Attribute.Add(new AttributeProto { Name = "value", T = tensor, Type = 4 });
        return node;
    }

    public static void Save(ModelProto model, string path)
    {
        using var file = File.Create(path);
        model.WriteTo(file);
    }
}
