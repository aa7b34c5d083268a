namespace Bert.Runtime.Tests.Checkpoints;

/// <summary>A fresh folder under the system temp folder, deleted with the test class.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateDirectory(
        System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bert-checkpoint-tests-" + Guid.NewGuid().ToString("N"))).FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes a safetensors file by hand: 8-byte little-endian header length, the header text, the data.</summary>
    public string Raw(string name, string header, byte[] data)
    {
        byte[] json = System.Text.Encoding.UTF8.GetBytes(header);
        using var stream = System.IO.File.Create(File(name));
        stream.Write(BitConverter.GetBytes((ulong)json.Length));
        stream.Write(json);
        stream.Write(data);
        return File(name);
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
