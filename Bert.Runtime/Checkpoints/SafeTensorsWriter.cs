using System.Runtime.InteropServices;

namespace Bert.Runtime.Checkpoints;

/// <summary>
/// Collects tensors and writes them as one safetensors file, atomically: the bytes go to a temporary file in the
/// destination folder, are flushed to disk, and the temporary file is renamed over the destination. A failure or
/// crash part-way leaves any previous file untouched (and the temporary file is removed when the failure is an
/// exception).
/// </summary>
public sealed class SafeTensorsWriter
{
    readonly List<(SafeTensorInfo Info, ReadOnlyMemory<byte> Bytes, ReadOnlyMemory<float> Floats)> tensors = [];
    readonly HashSet<string> names = new(StringComparer.Ordinal);

    /// <summary>Free-form strings stored in the header's "__metadata__".</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>Adds a float32 tensor; the memory is read when <see cref="Save"/> runs, not copied now.</summary>
    public SafeTensorsWriter AddFloat32(string name, int[] shape, ReadOnlyMemory<float> values) =>
        Add(name, SafeTensorDType.F32, shape, values.Length * sizeof(float), default, values);

    /// <summary>Adds a tensor of any dtype from its raw little-endian bytes (read when <see cref="Save"/> runs).</summary>
    public SafeTensorsWriter Add(string name, SafeTensorDType dtype, int[] shape, ReadOnlyMemory<byte> bytes) =>
        Add(name, dtype, shape, bytes.Length, bytes, default);

    SafeTensorsWriter Add(string name, SafeTensorDType dtype, int[] shape, long byteLength, ReadOnlyMemory<byte> bytes, ReadOnlyMemory<float> floats)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors data is little-endian; this machine is big-endian.");
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name == "__metadata__") throw new ArgumentException("'__metadata__' is reserved and cannot name a tensor.", nameof(name));
        if (!names.Add(name)) throw new ArgumentException($"Tensor '{name}' was added twice.", nameof(name));
        long count = shape.Aggregate(1L, (n, d) => d >= 0 ? checked(n * d) : throw new ArgumentException($"Tensor '{name}' has a negative dimension.", nameof(shape)));
        if (byteLength != count * dtype.Size())
            throw new ArgumentException($"Tensor '{name}': {dtype} [{string.Join(", ", shape)}] needs {count * dtype.Size()} bytes, got {byteLength}.", nameof(shape));
        long begin = tensors.Count == 0 ? 0 : tensors[^1].Info.End;
        tensors.Add((new SafeTensorInfo(name, dtype, (int[])shape.Clone(), begin, begin + byteLength), bytes, floats));
        return this;
    }

    /// <summary>Writes the file atomically (see the class summary).</summary>
    public void Save(string path)
    {
        path = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        byte[] header = SafeTensorsHeader.Write([.. tensors.Select(t => t.Info)], Metadata);
        string temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                Span<byte> length = stackalloc byte[8];
                System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
                stream.Write(length);
                stream.Write(header);
                foreach (var (_, bytes, floats) in tensors) stream.Write(floats.IsEmpty ? bytes.Span : MemoryMarshal.AsBytes(floats.Span));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
