using Bert.Samples.Importing.Onnx;
using Google.Protobuf;

namespace Bert.Samples.Tests.Onnx;

/// <summary><c>bert import</c> on input it must refuse: one clear line and exit 2, nothing written.</summary>
public sealed class ImportCommandTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("bert-import-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    void WriteVocabulary() => File.WriteAllLines(Path.Combine(folder, "vocab.txt"), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello"]);

    CliRun Import(string model) => CliRun.Of("import", model, "--out", Path.Combine(folder, "out"));

    void AssertRefused(CliRun run, string expected)
    {
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.False(Directory.Exists(Path.Combine(folder, "out")));
    }

    static byte[] Model(params NodeProto[] nodes)
    {
        var graph = new GraphProto { Name = "g" };
        graph.Node.AddRange(nodes);
        graph.Input.Add(new ValueInfoProto { Name = "x" });
        var weight = new TensorProto { Name = "w", DataType = 1 };
        weight.Dims.AddRange([2, 2]);
        weight.FloatData.AddRange([1f, 2f, 3f, 4f]);
        graph.Initializer.Add(weight);
        return new ModelProto { IrVersion = 7, Graph = graph }.ToByteArray();
    }

    static NodeProto Node(string op, string domain = "") => new() { OpType = op, Domain = domain, Input = { "x", "w" }, Output = { "y" } };

    [Fact]
    public void A_file_that_is_not_onnx_is_refused()
    {
        WriteVocabulary();
        AssertRefused(Import(Write("model.onnx", "not a protobuf at all"u8.ToArray())), "is not an ONNX model");
    }

    [Fact]
    public void An_onnx_file_without_a_vocabulary_asks_for_vocab()
    {
        AssertRefused(Import(Write("model.onnx", Model(Node("MatMul")))), "pass the model's vocab.txt with --vocab FILE");
    }

    [Fact]
    public void A_graph_that_is_not_bert_is_refused()
    {
        WriteVocabulary();
        AssertRefused(Import(Write("model.onnx", Model(Node("MatMul")))), "is not a BERT graph the ONNX import reads: it has no embedding lookup");
    }

    [Fact]
    public void Fused_or_custom_operators_are_named()
    {
        WriteVocabulary();
        AssertRefused(Import(Write("model.onnx", Model(Node("Attention", "com.microsoft"), Node("Conv")))),
            "uses operators the ONNX import does not read: Attention (com.microsoft), Conv.");
    }

    [Fact]
    public void A_folder_without_weights_is_refused()
    {
        AssertRefused(Import(folder), "holds no model.safetensors");
    }
}
