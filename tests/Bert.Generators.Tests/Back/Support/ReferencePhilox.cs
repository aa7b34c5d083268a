namespace Bert.Generators.Tests.Back.Support;

/// <summary>
/// TEST-ONLY stand-in for Bert.Runtime.Cpu.Philox until the CPU runtime is merged (then delete this file and point
/// <see cref="TestRuntime.Targets"/> at the real one). Philox4x32-10 (Salmon et al., SC'11) with the layout the
/// CUDA preamble uses: key = (seed low, seed high), counter = (counter low, counter high, 0, 0); the uniform is
/// the top 24 bits of the first output word times 2⁻²⁴.
/// </summary>
public static class ReferencePhilox
{
    const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    public static float Uniform(ulong seed, ulong counter) =>
        (Block((uint)counter, (uint)(counter >> 32), 0, 0, (uint)seed, (uint)(seed >> 32)).X0 >> 8) * (1f / 16777216f);

    public static (uint X0, uint X1, uint X2, uint X3) Block(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        for (int round = 0; round < 10; round++)
        {
            ulong p0 = (ulong)M0 * c0, p1 = (ulong)M1 * c2;
            (c0, c1, c2, c3) = ((uint)(p1 >> 32) ^ c1 ^ k0, (uint)p1, (uint)(p0 >> 32) ^ c3 ^ k1, (uint)p0);
            k0 += W0;
            k1 += W1;
        }
        return (c0, c1, c2, c3);
    }
}
