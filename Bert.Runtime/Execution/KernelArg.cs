namespace Bert.Runtime.Execution;

/// <summary>
/// Encodes one kernel argument as a generated program's 8-byte argument slot (<see cref="IGpuTarget.Launch"/>): the value's bytes,
/// little-endian, in the slot's low bytes. Device addresses are slots already.
/// </summary>
public static class KernelArg
{
    public static ulong Int(int value) => (uint)value;

    public static ulong Long(long value) => (ulong)value;

    public static ulong UInt64(ulong value) => value;

    public static ulong Float(float value) => BitConverter.SingleToUInt32Bits(value);
}
