using System.Runtime.InteropServices;
using System.Text.Json;
using Bert.Runtime.Checkpoints;

namespace Bert.Runtime.Tests.Checkpoints;

public class SafeTensorsTests : IDisposable
{
    readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    [Fact]
    public void Round_trip_keeps_names_shapes_dtypes_values_and_metadata()
    {
        float[] weights = [.. Enumerable.Range(0, 12).Select(i => i * 0.25f - 1f)];
        long[] ids = [3, -1, long.MaxValue];
        var writer = new SafeTensorsWriter()
            .AddFloat32("encoder.weight", [3, 4], weights)
            .AddFloat32("scalar", [], new[] { 42f })
            .AddFloat32("empty", [0, 5], Array.Empty<float>())
            .Add("ids", SafeTensorDType.I64, [3], MemoryMarshal.AsBytes(ids.AsSpan()).ToArray());
        writer.Metadata["step"] = "1200";
        writer.Metadata["format"] = "pt";
        string path = temp.File("model.safetensors");
        writer.Save(path);

        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(["encoder.weight", "scalar", "empty", "ids"], file.Tensors.Select(t => t.Name));
        Assert.Equal([3, 4], file["encoder.weight"].Shape);
        Assert.Empty(file["scalar"].Shape);
        Assert.Equal(SafeTensorDType.I64, file["ids"].DType);
        Assert.Equal(weights, file.ReadFloats("encoder.weight"));
        Assert.Equal([42f], file.ReadFloats("scalar"));
        Assert.Empty(file.ReadFloats("empty"));
        Assert.Equal(ids, file.ReadIntegers<long>("ids"));
        Assert.Equal("1200", file.Metadata["step"]);
        Assert.Equal("pt", file.Metadata["format"]);
    }

    [Fact]
    public void A_symbolic_link_reads_as_its_target_and_a_link_loop_is_a_clear_error()
    {
        string path = temp.File("blob");
        new SafeTensorsWriter().AddFloat32("a", [2], new[] { 1f, 2f }).Save(path);
        string link = temp.File("model.safetensors");
        File.CreateSymbolicLink(link, path);
        using (var file = SafeTensorsFile.Open(link)) Assert.Equal([1f, 2f], file.ReadFloats("a"));

        string loop = temp.File("loop.safetensors");
        File.CreateSymbolicLink(loop, loop);
        var error = Assert.Throws<CheckpointFormatException>(() => SafeTensorsFile.Open(loop));
        Assert.Contains("loop.safetensors", error.Message);
        Assert.Contains("symbolic link", error.Message);
    }

    [Fact]
    public void Written_header_follows_the_format()
    {
        string path = temp.File("layout.safetensors");
        new SafeTensorsWriter().AddFloat32("a", [2], new[] { 1f, 2f }).AddFloat32("b", [1, 1], new[] { 3f }).Save(path);
        byte[] bytes = File.ReadAllBytes(path);
        long headerLength = BitConverter.ToInt64(bytes, 0);
        Assert.Equal(0, headerLength % 8);
        using var json = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        var a = json.RootElement.GetProperty("a");
        Assert.Equal("F32", a.GetProperty("dtype").GetString());
        Assert.Equal([0L, 8L], a.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal([8L, 12L], json.RootElement.GetProperty("b").GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(8 + headerLength + 12, bytes.Length);
        Assert.Equal(3f, BitConverter.ToSingle(bytes, (int)(8 + headerLength + 8)));
    }

    [Fact]
    public void Reads_a_hand_written_file_with_half_precision_and_metadata_last()
    {
        // F16 1.0 = 0x3C00, -0.5 = 0xB800; BF16 1.0 = 0x3F80, -2.0 = 0xC000; I32 7.
        byte[] data = [0x00, 0x3C, 0x00, 0xB8, 0x80, 0x3F, 0x00, 0xC0, 7, 0, 0, 0];
        string path = temp.Raw("half.safetensors",
            """{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[4,8]},"i":{"dtype":"I32","shape":[1],"data_offsets":[8,12]},"__metadata__":{"k":"v"}}    """,
            data);
        using var file = SafeTensorsFile.Open(path);
        Assert.Equal([1f, -0.5f], file.ReadFloats("h"));
        Assert.Equal([1f, -2f], file.ReadFloats("b"));
        Assert.Equal([7], file.ReadIntegers<int>("i"));
        Assert.Equal("v", file.Metadata["k"]);
        var wrongType = Assert.Throws<CheckpointFormatException>(() => file.ReadFloats("i"));
        Assert.Contains("'i'", wrongType.Message);
    }

    [Fact]
    public void Truncated_file_is_refused_naming_the_tensor()
    {
        string path = temp.File("truncated.safetensors");
        new SafeTensorsWriter().AddFloat32("first", [4], new float[4]).AddFloat32("last", [100], new float[100]).Save(path);
        using (var stream = new FileStream(path, FileMode.Open)) stream.SetLength(stream.Length - 10);
        var e = Assert.Throws<CheckpointFormatException>(() => SafeTensorsFile.Open(path));
        Assert.Contains("'last'", e.Message);
        Assert.Contains(path, e.Message);
        Assert.Equal(path, e.FilePath);
    }

    [Theory]
    [InlineData("""{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}""", "'x'")]                                // end beyond the data
    [InlineData("""{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", "'x' covers 8 bytes but F32 [3] needs 12")] // shape vs offsets
    [InlineData("""{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", "overlaps")]
    [InlineData("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", "unused bytes before tensor 'x'")]
    [InlineData("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "belong to no tensor")]
    [InlineData("""{"x":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}""", "'x' data_offsets [8, 0] end before")]
    [InlineData("""{"x":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}}""", "unknown dtype 'Q4'")]
    [InlineData("""{"x":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", "non-negative integers")]
    [InlineData("""{"x":{"dtype":"F32","shape":[2]}}""", "'x' lacks data_offsets")]
    [InlineData("""{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]""", "JSON")]
    [InlineData("""[1, 2]""", "should be an object")]
    public void Lying_or_malformed_headers_are_refused(string header, string expected)
    {
        string path = temp.Raw("bad.safetensors", header, new byte[8]);
        var e = Assert.Throws<CheckpointFormatException>(() => SafeTensorsFile.Open(path));
        Assert.Contains(expected, e.Message);
        Assert.Contains("bad.safetensors", e.Message);
    }

    [Fact]
    public void Insane_header_length_and_tiny_files_are_refused()
    {
        string huge = temp.File("huge.safetensors");
        File.WriteAllBytes(huge, [.. BitConverter.GetBytes(ulong.MaxValue - 3), .. "{}"u8.ToArray()]);
        Assert.Contains("header length", Assert.Throws<CheckpointFormatException>(() => SafeTensorsFile.Open(huge)).Message);
        string tiny = temp.File("tiny.safetensors");
        File.WriteAllBytes(tiny, [1, 2, 3]);
        Assert.Contains("too short", Assert.Throws<CheckpointFormatException>(() => SafeTensorsFile.Open(tiny)).Message);
    }

    [Fact]
    public void Writer_refuses_wrong_sizes_and_duplicate_names()
    {
        var writer = new SafeTensorsWriter().AddFloat32("a", [2], new float[2]);
        Assert.Contains("'a'", Assert.Throws<ArgumentException>(() => writer.AddFloat32("a", [1], new float[1])).Message);
        Assert.Contains("needs 12 bytes", Assert.Throws<ArgumentException>(() => writer.AddFloat32("b", [3], new float[2])).Message);
    }
}
