using System.Runtime.Intrinsics;

namespace Bert.Runtime.Cpu;

/// <summary>
/// bfloat16 as raw bits: a float's upper 16 bits (8-bit exponent, 7-bit mantissa), rounded to nearest, ties to even,
/// as CUDA's <c>__float2bfloat16_rn</c> and PyTorch round. NaN stays a (quiet) NaN; infinities and zeros keep their sign.
/// </summary>
public static unsafe class Bf16
{
    /// <summary>The bf16 nearest <paramref name="value"/> (ties to even).</summary>
    public static ushort FromFloat(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x40);
        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }

    public static float ToFloat(ushort value) => BitConverter.UInt32BitsToSingle((uint)value << 16);

    /// <summary>
    /// Rows × cols floats at <paramref name="source"/> (rows <paramref name="ld"/> apart) as bf16 at
    /// <paramref name="destination"/>, rows packed (cols apart); sixteen at a time, the same values as <see cref="FromFloat"/>.
    /// </summary>
    public static void FromFloats(float* source, int rows, int cols, long ld, ushort* destination)
    {
        for (int r = 0; r < rows; r++)
        {
            float* row = source + r * ld;
            ushort* to = destination + (long)r * cols;
            int j = 0;
            for (; j <= cols - 16; j += 16)
                Vector256.Narrow(Rounded(Vector256.Load(row + j)), Rounded(Vector256.Load(row + j + 8))).Store(to + j);
            for (; j < cols; j++) to[j] = FromFloat(row[j]);
        }
    }

    /// <summary><see cref="FromFloat"/> on eight lanes, each result in the low half of its lane.</summary>
    static Vector256<uint> Rounded(Vector256<float> x)
    {
        var bits = x.AsUInt32();
        var rounded = (bits + Vector256.Create(0x7FFFu) + ((bits >> 16) & Vector256<uint>.One)) >> 16;
        return Vector256.ConditionalSelect(Vector256.Equals(x, x).AsUInt32(), rounded, (bits >> 16) | Vector256.Create(0x40u));
    }
}
