namespace Bert.Runtime.Execution;

/// <summary>
/// Deterministic parameter initialization: element e of parameter p is a pure function of (seed, p, e), so the
/// result does not depend on threading or on the other parameters. Normal values come from a Box–Muller transform
/// of two uniforms drawn from a counter-based SplitMix64 hash (initialization needs no CPU/GPU parity, so it does
/// not use the dropout generator).
/// </summary>
public static class ParameterInitializer
{
    /// <summary>Fills <paramref name="values"/> (the parameters laid out in <paramref name="specs"/> order).</summary>
    public static void Initialize(IReadOnlyList<ParameterSpec> specs, Span<float> values, ulong seed)
    {
        int offset = 0;
        for (int p = 0; p < specs.Count; p++)
        {
            var spec = specs[p];
            var target = values.Slice(offset, (int)spec.Elements);
            switch (spec.Init)
            {
                case ParamInit.Zeros: target.Clear(); break;
                case ParamInit.Ones: target.Fill(1f); break;
                default:
                    for (int e = 0; e < target.Length; e++) target[e] = spec.Scale * StandardNormal(seed, (ulong)p, (ulong)e);
                    break;
            }
            offset += target.Length;
        }
    }

    /// <summary>A standard normal sample for (seed, stream, index).</summary>
    public static float StandardNormal(ulong seed, ulong stream, ulong index)
    {
        ulong bits = Mix(seed ^ Mix(stream + 0x632BE59BD9B4E019UL) ^ (index * 0x9E3779B97F4A7C15UL));
        // Two 32-bit uniforms in (0, 1]: the first feeds a logarithm, so it must not be 0.
        double u1 = ((bits >> 32) + 1.0) / 4294967296.0;
        double u2 = (uint)bits / 4294967296.0;
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }

    static ulong Mix(ulong z) => Data.Prng.Mix(z + 0x9E3779B97F4A7C15UL);
}
