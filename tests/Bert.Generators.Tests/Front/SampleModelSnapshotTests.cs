using Bert.Tests;

namespace Bert.Generators.Tests.Front;

/// <summary>
/// The generated source of the sample TutorialBert, committed as snapshots: a change to the generator shows up
/// as a readable diff of the C# model, its GPU program and its CUDA kernels.
/// </summary>
public class SampleModelSnapshotTests
{
    [Theory]
    [InlineData("TutorialBert.g.cs")]
    [InlineData("TutorialBert.Ilgpu.g.cs")]
    [InlineData("TutorialBert.Gpu.g.cs")]
    public void Generated_tutorial_bert_matches_snapshot(string hintName)
    {
        var generated = TestCompiler.GeneratedSources(TestCompiler.NamedTutorialSources());
        var file = Assert.Single(generated, g => g.HintName == hintName);
        Snapshot.Match(file.Text, "Sample." + hintName.Replace(".g.cs", ""), "cs");
    }
}
