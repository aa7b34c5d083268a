using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using Bert.Runtime.Training;

namespace Bert.Runtime.Checkpoints;

/// <summary>
/// A safetensors file opened for reading: the header is parsed and validated up front (see
/// <see cref="SafeTensorsHeader"/>), the data is memory-mapped, so opening a large checkpoint reads only its
/// header and each tensor is paged in when it is copied out.
/// </summary>
public sealed unsafe class SafeTensorsFile : IDisposable
{
    readonly MemoryMappedFile map;
    readonly MemoryMappedViewAccessor view;
    readonly byte* data;
    readonly Dictionary<string, SafeTensorInfo> byName;
    bool disposed;

    SafeTensorsFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* data,
        List<SafeTensorInfo> tensors, Dictionary<string, string> metadata)
    {
        Path = path;
        this.map = map;
        this.view = view;
        this.data = data;
        Tensors = tensors;
        Metadata = metadata;
        byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    public string Path { get; }

    /// <summary>The tensors in data order.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>The header's "__metadata__" strings (empty when it has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public static SafeTensorsFile Open(string path)
    {
        path = System.IO.Path.GetFullPath(path);
        long fileLength = Target(path).Length;
        if (fileLength < 8) throw SafeTensorsHeader.Bad(path, $"it is {fileLength} bytes long, too short for the 8-byte header length");
        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        MemoryMappedViewAccessor? view = null;
        bool acquired = false;
        try
        {
            view = map.CreateViewAccessor(0, fileLength, MemoryMappedFileAccess.Read);
            byte* start = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
            acquired = true;
            start += view.PointerOffset;
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(start, 8));
            if (headerLength > SafeTensorsHeader.MaxHeaderBytes || (long)headerLength > fileLength - 8)
                throw SafeTensorsHeader.Bad(path, $"its header length {headerLength} exceeds the {fileLength - 8} bytes after it (not a safetensors file, or truncated)");
            var header = new ReadOnlySpan<byte>(start + 8, (int)headerLength);
            long dataLength = fileLength - 8 - (long)headerLength;
            var (tensors, metadata) = SafeTensorsHeader.Parse(path, header, dataLength);
            return new SafeTensorsFile(path, map, view, start + 8 + (long)headerLength, tensors, metadata);
        }
        catch
        {
            if (acquired) view!.SafeMemoryMappedViewHandle.ReleasePointer();
            view?.Dispose();
            map.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The file <paramref name="path"/> names, through any symbolic links (the HuggingFace cache stores model files as
    /// links into its blob folder): its length is the data's, not the link's.
    /// </summary>
    static FileInfo Target(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is null) return info;
        try
        {
            return info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo
                ?? throw new FileNotFoundException($"'{path}' is a symbolic link to a folder, not to a safetensors file.", path);
        }
        catch (IOException e) when (e is not FileNotFoundException)
        {
            throw SafeTensorsHeader.Bad(path, $"it is a symbolic link that does not resolve ({e.Message})");
        }
    }

    public bool Contains(string name) => byName.ContainsKey(name);

    public SafeTensorInfo this[string name] =>
        byName.TryGetValue(name, out var info) ? info : throw SafeTensorsHeader.Bad(Path, $"it has no tensor '{name}'");

    /// <summary>The raw little-endian bytes of one tensor, valid until the file is disposed.</summary>
    public ReadOnlySpan<byte> Bytes(string name)
    {
        var t = this[name];
        if (t.ByteLength > int.MaxValue) throw SafeTensorsHeader.Bad(Path, $"tensor '{name}' is over 2 GiB and cannot be read as one span");
        return new ReadOnlySpan<byte>(data + t.Begin, (int)t.ByteLength);
    }

    /// <summary>Copies a floating-point tensor (F32, F16 or BF16) into <paramref name="destination"/> as float32.</summary>
    public void ReadFloats(string name, Span<float> destination)
    {
        var t = this[name];
        if (destination.Length != t.ElementCount)
            throw new ArgumentException($"Tensor '{name}' in '{Path}' has {t.ElementCount} elements, the destination {destination.Length}.", nameof(destination));
        var bytes = Bytes(name);
        switch (t.DType)
        {
            case SafeTensorDType.F32:
                bytes.CopyTo(MemoryMarshal.AsBytes(destination));
                break;
            case SafeTensorDType.F16:
                var halves = MemoryMarshal.Cast<byte, Half>(bytes);
                for (int i = 0; i < halves.Length; i++) destination[i] = (float)halves[i];
                break;
            case SafeTensorDType.BF16:
                // bfloat16 is the top half of a float32.
                var words = MemoryMarshal.Cast<byte, ushort>(bytes);
                for (int i = 0; i < words.Length; i++) destination[i] = BitConverter.Int32BitsToSingle(words[i] << 16);
                break;
            default:
                throw SafeTensorsHeader.Bad(Path, $"tensor '{name}' is {t.DType}, not a floating-point type");
        }
    }

    public float[] ReadFloats(string name)
    {
        var values = new float[this[name].ElementCount];
        ReadFloats(name, values);
        return values;
    }

    /// <summary>Copies an integer tensor of exactly type <typeparamref name="T"/> (I64 → long, I32 → int, ...).</summary>
    public T[] ReadIntegers<T>(string name) where T : unmanaged
    {
        var t = this[name];
        var expected = default(T) switch
        {
            long => SafeTensorDType.I64,
            int => SafeTensorDType.I32,
            short => SafeTensorDType.I16,
            sbyte => SafeTensorDType.I8,
            byte => SafeTensorDType.U8,
            _ => throw new NotSupportedException($"{typeof(T).Name} is not a safetensors integer type."),
        };
        if (t.DType != expected) throw SafeTensorsHeader.Bad(Path, $"tensor '{name}' is {t.DType}, not {expected}");
        return MemoryMarshal.Cast<byte, T>(Bytes(name)).ToArray();
    }

    /// <summary>
    /// Checks the file against the tensors a model expects: names missing from the file, names the model does not
    /// have, and shape mismatches all go into one <see cref="CheckpointMismatchException"/>.
    /// </summary>
    public void CheckMatches(IEnumerable<(string Name, int[] Shape)> expected, Func<string, bool>? ignoreUnexpected = null)
    {
        var missing = new List<string>();
        var mismatched = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, shape) in expected)
        {
            seen.Add(name);
            if (!byName.TryGetValue(name, out var t)) missing.Add(name);
            else if (!t.Shape.AsSpan().SequenceEqual(shape) || t.DType is not (SafeTensorDType.F32 or SafeTensorDType.F16 or SafeTensorDType.BF16))
                mismatched.Add($"{name}: checkpoint {t.ShapeText} {t.DType}, model [{string.Join(", ", shape)}] F32");
        }
        var unexpected = Tensors.Select(t => t.Name).Where(n => !seen.Contains(n) && !(ignoreUnexpected?.Invoke(n) ?? false)).ToList();
        if (missing.Count + unexpected.Count + mismatched.Count > 0)
            throw new CheckpointMismatchException(Path, missing, unexpected, mismatched);
    }

    /// <summary>Loads every parameter of <paramref name="store"/> by name, after checking the file matches it (<see cref="CheckMatches"/>).</summary>
    public void LoadInto(ParameterStore store, Func<string, bool>? ignoreUnexpected = null)
    {
        CheckMatches(store.Parameters.Select(p => (p.Name, p.Shape)), ignoreUnexpected);
        for (int i = 0; i < store.Parameters.Count; i++) ReadFloats(store.Parameters[i].Name, store.Value(i));
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        view.SafeMemoryMappedViewHandle.ReleasePointer();
        view.Dispose();
        map.Dispose();
    }
}
