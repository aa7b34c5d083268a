using Bert.Graph;
using System.Numerics.Tensors;
using Bert.Runtime.Cpu;

namespace Bert.Runtime.Training;

/// <summary>
/// Every trainable parameter in one contiguous float array (<see cref="Values"/>) with a same-shaped gradient
/// array (<see cref="Grads"/>), so optimizers, clipping, checkpoints and device copies each see a single buffer.
/// A table of <see cref="ParameterInfo"/> names the slices.
/// </summary>
public sealed class ParameterStore
{
    /// <summary>Layout puts each parameter at a multiple of 16 floats (64 bytes: a cache line, an AVX-512 vector).</summary>
    public const int Alignment = 16;

    readonly Dictionary<string, int> indexByName;

    public ParameterStore(IReadOnlyList<ParameterInfo> parameters) : this(parameters, null, null)
    {
    }

    /// <summary>
    /// A store over existing arrays (a compiled model's pinned parameter and gradient memory), which must be
    /// long enough for the table; null allocates.
    /// </summary>
    public ParameterStore(IReadOnlyList<ParameterInfo> parameters, float[]? values, float[]? grads)
    {
        Parameters = parameters;
        indexByName = new Dictionary<string, int>(parameters.Count, StringComparer.Ordinal);
        long end = 0;
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            if (!indexByName.TryAdd(p.Name, i)) throw new ArgumentException($"Parameter '{p.Name}' is declared twice.", nameof(parameters));
            if (p.Length != ParameterInfo.ElementCount(p.Shape))
                throw new ArgumentException($"Parameter '{p.Name}' has length {p.Length} but shape {p.ShapeText}.", nameof(parameters));
            if (p.Offset < end)
                throw new ArgumentException($"Parameter '{p.Name}' at offset {p.Offset} overlaps the parameter before it (which ends at {end}); offsets must increase.", nameof(parameters));
            end = p.Offset + p.Length;
        }
        if (end > Array.MaxLength) throw new ArgumentException($"Parameters need {end} floats, more than one array holds.", nameof(parameters));
        if (values?.Length < end || grads?.Length < end)
            throw new ArgumentException($"The parameter arrays hold {values?.Length ?? grads?.Length} floats; the table needs {end}.");
        Values = values ?? new float[end];
        Grads = grads ?? new float[end];
    }

    /// <summary>Lays the declarations out back to back (each aligned to <see cref="Alignment"/> floats) and allocates the store.</summary>
    public static ParameterStore Layout(IEnumerable<ParameterDeclaration> declarations)
    {
        var parameters = new List<ParameterInfo>();
        long offset = 0;
        foreach (var d in declarations)
        {
            long length = ParameterInfo.ElementCount(d.Shape);
            parameters.Add(new ParameterInfo(d.Name, d.Shape, offset, length, d.Init, d.Decay));
            offset = (offset + length + Alignment - 1) / Alignment * Alignment;
        }
        return new ParameterStore(parameters);
    }

    public IReadOnlyList<ParameterInfo> Parameters { get; }

    /// <summary>All parameter values (alignment gaps between parameters stay zero).</summary>
    public float[] Values { get; }

    /// <summary>All gradients, at the same offsets as <see cref="Values"/>.</summary>
    public float[] Grads { get; }

    /// <summary>The number of parameters that are actually trained (the alignment gaps excluded).</summary>
    public long ParameterCount => Parameters.Sum(p => p.Length);

    public int IndexOf(string name) =>
        indexByName.TryGetValue(name, out int index) ? index : throw new KeyNotFoundException($"No parameter named '{name}'.");

    public ParameterInfo this[string name] => Parameters[IndexOf(name)];

    public Span<float> Value(int index) => Slice(Values, Parameters[index]);
    public Span<float> Value(string name) => Value(IndexOf(name));
    public Span<float> Grad(int index) => Slice(Grads, Parameters[index]);
    public Span<float> Grad(string name) => Grad(IndexOf(name));

    static Span<float> Slice(float[] array, ParameterInfo p) => array.AsSpan((int)p.Offset, (int)p.Length);

    public void ZeroGrads() => Array.Clear(Grads);

    /// <summary>The first parameter holding a NaN or an infinity (weights of a diverged or damaged run), or null when all are finite.</summary>
    public string? FirstNonFinite()
    {
        // A finite sum proves every value finite (NaN and infinities propagate); only a non-finite sum needs the scan.
        for (int i = 0; i < Parameters.Count; i++)
            if (!float.IsFinite(TensorPrimitives.Sum<float>(Value(i))) && HasNonFinite(Value(i)))
                return Parameters[i].Name;
        return null;
    }

    static bool HasNonFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
            if (!float.IsFinite(v)) return true;
        return false;
    }

    /// <summary>
    /// Draws every parameter from its <see cref="Init"/>. Element i of parameter "name" is Philox draw i under a key
    /// mixed from <paramref name="seed"/> and the name, so values depend on neither the layout, the thread count,
    /// nor which other parameters exist.
    /// </summary>
    public void Initialize(ulong seed)
    {
        for (int i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i];
            var values = Value(i);
            ulong key = ParameterKey(seed, p.Name);
            switch (p.Init.Kind)
            {
                case Init.Zeros: values.Clear(); break;
                case Init.Ones: values.Fill(1f); break;
                case Init.Normal: DrawNormal(values, key, p.Init.Scale); break;
                default: throw new InvalidOperationException($"Parameter '{p.Name}' has an unknown initializer {p.Init.Kind}.");
            }
        }
    }

    static void DrawNormal(Span<float> values, ulong key, float scale)
    {
        unsafe
        {
            fixed (float* start = values)
            {
                float* data = start;
                ParallelRows.For(values.Length, 4096, (begin, end) =>
                {
                    for (int j = begin; j < end; j++)
                        data[j] = scale * Philox.Normal(key, (ulong)j);
                });
            }
        }
    }

    /// <summary>FNV-1a of the name, mixed with the seed (splitmix64 finaliser) into a Philox key.</summary>
    static ulong ParameterKey(ulong seed, string name)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in name) hash = (hash ^ c) * 1099511628211UL;
        return Prng.Mix(seed + 0x9E3779B97F4A7C15UL * (hash | 1));
    }
}
