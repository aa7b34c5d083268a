namespace Bert.Runtime.Checkpoints;

/// <summary>Element types of the safetensors format (the names are the header's "dtype" strings).</summary>
public enum SafeTensorDType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL }

public static class SafeTensorDTypes
{
    public static int Size(this SafeTensorDType dtype) => dtype switch
    {
        SafeTensorDType.F64 or SafeTensorDType.I64 => 8,
        SafeTensorDType.F32 or SafeTensorDType.I32 => 4,
        SafeTensorDType.F16 or SafeTensorDType.BF16 or SafeTensorDType.I16 => 2,
        SafeTensorDType.I8 or SafeTensorDType.U8 or SafeTensorDType.BOOL => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    public static bool TryParse(string text, out SafeTensorDType dtype) =>
        Enum.TryParse(text, ignoreCase: false, out dtype) && Enum.IsDefined(dtype) && text == dtype.ToString();
}

/// <summary>One tensor in a safetensors file: [Begin, End) are byte offsets into the data section after the header.</summary>
public sealed record SafeTensorInfo(string Name, SafeTensorDType DType, int[] Shape, long Begin, long End)
{
    public long ElementCount => Shape.Aggregate(1L, (n, d) => n * d);
    public long ByteLength => End - Begin;
    public string ShapeText => $"[{string.Join(", ", Shape)}]";
}
