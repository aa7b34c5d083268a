namespace Bert.Runtime.Cuda.Kernels;

/// <summary>
/// Encodes one kernel argument as the 8-byte slot <c>cuLaunchKernel</c> reads it from: the value's bytes,
/// little-endian, in the slot's low bytes. Device pointers are slots already (a <c>CUdeviceptr</c> is a ulong).
/// </summary>
public static class KernelArg
{
    public static ulong Int(int value) => (uint)value;

    public static ulong Long(long value) => (ulong)value;

    public static ulong UInt64(ulong value) => value;

    public static ulong Float(float value) => BitConverter.SingleToUInt32Bits(value);
}
