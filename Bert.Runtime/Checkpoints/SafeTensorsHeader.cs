using System.Text.Json;

namespace Bert.Runtime.Checkpoints;

/// <summary>
/// Parses and validates a safetensors header (the JSON after the 8-byte length) with Utf8JsonReader (AOT-safe):
/// every tensor has a known dtype, a non-negative shape and data_offsets whose length is dtype size × element
/// count, and the tensors tile the data section exactly, with no overlap, gap or trailing bytes.
/// </summary>
internal static class SafeTensorsHeader
{
    /// <summary>The format's own limit on header size.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    public static (List<SafeTensorInfo> Tensors, Dictionary<string, string> Metadata) Parse(string path, ReadOnlySpan<byte> json, long dataLength)
    {
        var tensors = new List<SafeTensorInfo>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            Expect(path, ref reader, JsonTokenType.StartObject, "the header");
            while (Read(path, ref reader) && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                if (!names.Add(name)) throw Bad(path, $"tensor '{name}' appears twice in the header");
                if (name == "__metadata__") ReadMetadata(path, ref reader, metadata);
                else tensors.Add(ReadTensor(path, ref reader, name));
            }
            if (reader.TokenType != JsonTokenType.EndObject) throw Bad(path, "the header is not one JSON object");
            if (reader.Read()) throw Bad(path, "the header has content after its JSON object");
        }
        catch (JsonException e)
        {
            throw Bad(path, $"the header is not valid JSON ({e.Message})");
        }
        CheckLayout(path, tensors, dataLength);
        return (tensors, metadata);
    }

    static void ReadMetadata(string path, ref Utf8JsonReader reader, Dictionary<string, string> metadata)
    {
        Expect(path, ref reader, JsonTokenType.StartObject, "__metadata__");
        while (Read(path, ref reader) && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = reader.GetString()!;
            Expect(path, ref reader, JsonTokenType.String, $"__metadata__ entry '{key}'");
            if (!metadata.TryAdd(key, reader.GetString()!)) throw Bad(path, $"__metadata__ key '{key}' appears twice");
        }
    }

    static SafeTensorInfo ReadTensor(string path, ref Utf8JsonReader reader, string name)
    {
        Expect(path, ref reader, JsonTokenType.StartObject, $"tensor '{name}'");
        SafeTensorDType? dtype = null;
        int[]? shape = null;
        long[]? offsets = null;
        while (Read(path, ref reader) && reader.TokenType == JsonTokenType.PropertyName)
        {
            string field = reader.GetString()!;
            switch (field)
            {
                case "dtype":
                    Expect(path, ref reader, JsonTokenType.String, $"tensor '{name}' dtype");
                    string text = reader.GetString()!;
                    if (!SafeTensorDTypes.TryParse(text, out var parsed)) throw Bad(path, $"tensor '{name}' has unknown dtype '{text}'");
                    dtype = parsed;
                    break;
                case "shape":
                    shape = [.. ReadIntegers(path, ref reader, $"tensor '{name}' shape").Select(d => d <= int.MaxValue
                        ? (int)d : throw Bad(path, $"tensor '{name}' has a dimension {d} too large"))];
                    break;
                case "data_offsets":
                    offsets = ReadIntegers(path, ref reader, $"tensor '{name}' data_offsets");
                    if (offsets.Length != 2) throw Bad(path, $"tensor '{name}' data_offsets must hold two numbers, not {offsets.Length}");
                    break;
                default:
                    throw Bad(path, $"tensor '{name}' has an unknown field '{field}'");
            }
        }
        if (dtype is null || shape is null || offsets is null)
            throw Bad(path, $"tensor '{name}' lacks {(dtype is null ? "dtype" : shape is null ? "shape" : "data_offsets")}");
        return new SafeTensorInfo(name, dtype.Value, shape, offsets[0], offsets[1]);
    }

    static long[] ReadIntegers(string path, ref Utf8JsonReader reader, string what)
    {
        Expect(path, ref reader, JsonTokenType.StartArray, what);
        var values = new List<long>();
        while (Read(path, ref reader) && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long value) || value < 0)
                throw Bad(path, $"{what} must hold non-negative integers");
            values.Add(value);
        }
        return [.. values];
    }

    /// <summary>Sorted by offset, tensors must start at 0, follow one another without gap or overlap, and end with the file.</summary>
    static void CheckLayout(string path, List<SafeTensorInfo> tensors, long dataLength)
    {
        foreach (var t in tensors)
        {
            if (t.End < t.Begin) throw Bad(path, $"tensor '{t.Name}' data_offsets [{t.Begin}, {t.End}] end before they begin");
            long expected;
            try { expected = checked(t.Shape.Aggregate(1L, (n, d) => checked(n * d)) * t.DType.Size()); }
            catch (OverflowException) { throw Bad(path, $"tensor '{t.Name}' shape {t.ShapeText} is too large"); }
            if (t.ByteLength != expected)
                throw Bad(path, $"tensor '{t.Name}' covers {t.ByteLength} bytes but {t.DType} {t.ShapeText} needs {expected}");
            if (t.End > dataLength)
                throw Bad(path, $"tensor '{t.Name}' data_offsets [{t.Begin}, {t.End}] run past the {dataLength} data bytes in the file (truncated?)");
        }
        tensors.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long position = 0;
        SafeTensorInfo? previous = null;
        foreach (var t in tensors)
        {
            if (t.Begin < position) throw Bad(path, $"tensor '{t.Name}' overlaps tensor '{previous!.Name}'");
            if (t.Begin > position) throw Bad(path, $"there are {t.Begin - position} unused bytes before tensor '{t.Name}'");
            position = t.End;
            previous = t;
        }
        if (position != dataLength) throw Bad(path, $"{dataLength - position} bytes after the last tensor belong to no tensor");
    }

    static bool Read(string path, ref Utf8JsonReader reader) =>
        reader.Read() ? true : throw Bad(path, "the header JSON ends early");

    static void Expect(string path, ref Utf8JsonReader reader, JsonTokenType type, string what)
    {
        Read(path, ref reader);
        if (reader.TokenType != type) throw Bad(path, $"{what} should be {Describe(type)}, not {Describe(reader.TokenType)}");
    }

    static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        _ => type.ToString(),
    };

    public static CheckpointFormatException Bad(string path, string problem) => new(path, problem);

    /// <summary>Serialises a header: metadata first, then tensors in data order; padded with spaces to a multiple of 8 bytes.</summary>
    public static byte[] Write(IReadOnlyList<SafeTensorInfo> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata.Count > 0)
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata.OrderBy(e => e.Key, StringComparer.Ordinal)) json.WriteString(key, value);
                json.WriteEndObject();
            }
            foreach (var t in tensors)
            {
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", t.DType.ToString());
                json.WriteStartArray("shape");
                foreach (int d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(t.Begin);
                json.WriteNumberValue(t.End);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        int padded = (buffer.WrittenCount + 7) / 8 * 8;
        var header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }
}
