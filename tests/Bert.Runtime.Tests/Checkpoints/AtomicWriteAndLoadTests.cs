using System.Buffers;
using Bert.Runtime.Checkpoints;
using Bert.Runtime.Training;

namespace Bert.Runtime.Tests.Checkpoints;

public class AtomicWriteAndLoadTests : IDisposable
{
    readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    /// <summary>Memory whose bytes cannot be read: the writer fails when it reaches this tensor.</summary>
    sealed class FailingMemory(int length) : MemoryManager<byte>
    {
        public override Span<byte> GetSpan() => throw new IOException("disk vanished");
        public override MemoryHandle Pin(int elementIndex = 0) => throw new IOException("disk vanished");
        public override void Unpin() { }
        protected override void Dispose(bool disposing) { }
        public override Memory<byte> Memory => CreateMemory(length);
    }

    [Fact]
    public void Exception_mid_write_leaves_the_previous_file_intact_and_no_temporary_file()
    {
        string path = temp.File("checkpoint.safetensors");
        new SafeTensorsWriter().AddFloat32("w", [3], new[] { 1f, 2f, 3f }).Save(path);
        byte[] before = File.ReadAllBytes(path);

        var failing = new SafeTensorsWriter()
            .AddFloat32("w", [3], new[] { 9f, 9f, 9f })
            .Add("broken", SafeTensorDType.U8, [16], new FailingMemory(16).Memory);
        Assert.Throws<IOException>(() => failing.Save(path));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(temp.Path));
        using var file = SafeTensorsFile.Open(path);
        Assert.Equal([1f, 2f, 3f], file.ReadFloats("w"));
    }

    [Fact]
    public void Save_replaces_an_existing_file()
    {
        string path = temp.File("replace.safetensors");
        new SafeTensorsWriter().AddFloat32("old", [1], new[] { 1f }).Save(path);
        new SafeTensorsWriter().AddFloat32("new", [1], new[] { 2f }).Save(path);
        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(["new"], file.Tensors.Select(t => t.Name));
    }

    static ParameterStore Model(int hidden) => ParameterStore.Layout(
    [
        new("embeddings.word", [10, hidden], Initializer.Normal(0.02f), true),
        new("encoder.ln.gamma", [hidden], Initializer.Ones, false),
        new("pooler.w", [hidden, hidden], Initializer.Normal(0.02f), true),
    ]);

    [Fact]
    public void LoadInto_copies_every_parameter_by_name()
    {
        var saved = Model(4);
        saved.Initialize(11);
        var writer = new SafeTensorsWriter();
        // Saved in a different order than the store's layout: loading goes by name.
        foreach (var p in saved.Parameters.Reverse()) writer.AddFloat32(p.Name, p.Shape, saved.Values.AsMemory((int)p.Offset, (int)p.Length));
        string path = temp.File("model.safetensors");
        writer.Save(path);

        var loaded = Model(4);
        using var file = SafeTensorsFile.Open(path);
        file.LoadInto(loaded);
        Assert.Equal(saved.Values, loaded.Values);
    }

    [Fact]
    public void LoadInto_reports_missing_unexpected_and_mismatched_tensors_by_name()
    {
        var writer = new SafeTensorsWriter()
            .AddFloat32("embeddings.word", [10, 6], new float[60])
            .AddFloat32("encoder.ln.gamma", [4], new float[4])
            .AddFloat32("classifier.w", [4, 2], new float[8])
            .AddFloat32("optimizer.step.ignored", [1], new float[1]);
        string path = temp.File("other.safetensors");
        writer.Save(path);
        using var file = SafeTensorsFile.Open(path);

        var e = Assert.Throws<CheckpointMismatchException>(() => file.LoadInto(Model(4), name => name.StartsWith("optimizer.")));
        Assert.Equal(["pooler.w"], e.Missing);
        Assert.Equal(["classifier.w"], e.Unexpected);
        Assert.Equal(["embeddings.word: checkpoint [10, 6] F32, model [10, 4] F32"], e.ShapeMismatches);
        Assert.Contains("pooler.w", e.Message);
        Assert.Contains("other.safetensors", e.Message);
    }
}
