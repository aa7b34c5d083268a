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

    public static void Save(ModelProto model, string path)
    {
        using var file = File.Create(path);
        model.WriteTo(file);
    }
}
