using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bert.Runtime.Cpu;

/// <summary>
/// A vector of floats at one width, so that a kernel is written once and instantiated for <see cref="Lanes256"/> and
/// <see cref="Lanes512"/> (.NET 10 keeps <c>ISimdVector</c> internal): the managed GEMM and every generated CPU kernel
/// that has a vector loop are generic over it. Each instantiation is specialised by the JIT, the wrapper structs vanish
/// into registers, and <see cref="FloatLanes.Wide"/> picks one per process. Every operation is lane by lane and rounds
/// the same at both widths, so an element-wise kernel computes the same bits at either; only reductions across lanes
/// (<see cref="Sum"/>) add in a width's own order.
/// </summary>
public unsafe interface IFloatLanes<TSelf> where TSelf : struct, IFloatLanes<TSelf>
{
    /// <summary>Floats per vector.</summary>
    static abstract int Count { get; }
    static abstract TSelf Zero { get; }
    static abstract TSelf One { get; }
    static abstract TSelf Load(float* source);
    static abstract void Store(TSelf value, float* destination);
    /// <summary>A store that bypasses the caches; <paramref name="destination"/> aligned to the vector's size.</summary>
    static abstract void StoreNonTemporal(TSelf value, float* destination);
    /// <summary><paramref name="value"/> in every lane.</summary>
    static abstract TSelf Create(float value);
    /// <summary><paramref name="first"/>, <paramref name="first"/> + 1, … as floats (column indices, exact below 2²⁴).</summary>
    static abstract TSelf Columns(int first);

    static abstract TSelf operator +(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a, TSelf b);
    static abstract TSelf operator *(TSelf a, TSelf b);
    static abstract TSelf operator /(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a);
    static abstract TSelf operator &(TSelf a, TSelf b);
    static abstract TSelf operator |(TSelf a, TSelf b);
    /// <summary>a·b + c rounded once (in software where the CPU lacks FMA).</summary>
    static abstract TSelf MulAdd(TSelf a, TSelf b, TSelf c);
    /// <summary>The larger of each pair; NaN where either is NaN.</summary>
    static abstract TSelf Max(TSelf a, TSelf b);
    /// <summary>The smaller of each pair; NaN where either is NaN.</summary>
    static abstract TSelf Min(TSelf a, TSelf b);
    /// <summary>x within [low, high], one instruction each way (a NaN lane gives an unspecified value in range).</summary>
    static abstract TSelf Clamp(TSelf x, TSelf low, TSelf high);
    static abstract TSelf Abs(TSelf x);
    static abstract TSelf Sqrt(TSelf x);
    static abstract TSelf Log(TSelf x);
    /// <summary>Each lane rounded to the nearest whole number, ties to even.</summary>
    static abstract TSelf RoundToNearest(TSelf x);
    /// <summary>x·2ⁿ for whole n in [−126, 128], rounded once.</summary>
    static abstract TSelf ScaleByPowerOfTwo(TSelf x, TSelf n);

    /// <summary>All bits set in the lanes where a &lt; b.</summary>
    static abstract TSelf LessThan(TSelf a, TSelf b);
    static abstract TSelf LessThanOrEqual(TSelf a, TSelf b);
    static abstract TSelf GreaterThan(TSelf a, TSelf b);
    static abstract TSelf Equal(TSelf a, TSelf b);
    /// <summary><paramref name="whenTrue"/> where <paramref name="mask"/> (a comparison) holds, else <paramref name="whenFalse"/>.</summary>
    static abstract TSelf Select(TSelf mask, TSelf whenTrue, TSelf whenFalse);

    /// <summary>The lanes' sum (a vectorized sum's last step).</summary>
    static abstract float Sum(TSelf lanes);
    /// <summary>The largest lane (a vectorized max reduction's last step).</summary>
    static abstract float MaxAcross(TSelf lanes);
    /// <summary><see cref="Philox.Uniform"/> at the counters <paramref name="counter"/> … + Count − 1.</summary>
    static abstract TSelf Uniform(ulong seed, ulong counter);
}

/// <summary>Which width this process's vector kernels run at.</summary>
public static class FloatLanes
{
    /// <summary>Whether 512-bit vectors run in hardware (AVX-512; off with <c>DOTNET_EnableAVX512F=0</c>): a JIT-time constant.</summary>
    public static bool Wide => Vector512.IsHardwareAccelerated;
}

/// <summary>Eight floats: AVX2, or the 256-bit forms of AVX-512 VL where they are faster.</summary>
public readonly unsafe struct Lanes256(Vector256<float> value) : IFloatLanes<Lanes256>
{
    public Vector256<float> Value { get; } = value;

    public static int Count => Vector256<float>.Count;
    public static Lanes256 Zero => new(Vector256<float>.Zero);
    public static Lanes256 One => new(Vector256<float>.One);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Load(float* source) => new(Vector256.Load(source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lanes256 value, float* destination) => value.Value.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNonTemporal(Lanes256 value, float* destination)
    {
        if (Avx.IsSupported) Avx.StoreAlignedNonTemporal(destination, value.Value);
        else value.Value.Store(destination);
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Create(float value) => new(Vector256.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Columns(int first) => new(Vector256.ConvertToSingle(Vector256.Create(first) + Vector256<int>.Indices));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator +(Lanes256 a, Lanes256 b) => new(a.Value + b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator -(Lanes256 a, Lanes256 b) => new(a.Value - b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator *(Lanes256 a, Lanes256 b) => new(a.Value * b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator /(Lanes256 a, Lanes256 b) => new(a.Value / b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator -(Lanes256 a) => new(-a.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator &(Lanes256 a, Lanes256 b) => new(a.Value & b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator |(Lanes256 a, Lanes256 b) => new(a.Value | b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 MulAdd(Lanes256 a, Lanes256 b, Lanes256 c) =>
        new(Fma.IsSupported ? Fma.MultiplyAdd(a.Value, b.Value, c.Value) : Vector256.FusedMultiplyAdd(a.Value, b.Value, c.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Max(Lanes256 a, Lanes256 b) => new(Vector256.Max(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Min(Lanes256 a, Lanes256 b) => new(Vector256.Min(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Clamp(Lanes256 x, Lanes256 low, Lanes256 high) =>
        new(Avx.IsSupported ? Avx.Min(Avx.Max(x.Value, low.Value), high.Value) : Vector256.Min(Vector256.Max(x.Value, low.Value), high.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Abs(Lanes256 x) => new(Vector256.Abs(x.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Sqrt(Lanes256 x) => new(Vector256.Sqrt(x.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Log(Lanes256 x) => new(Vector256.Log(x.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 RoundToNearest(Lanes256 x) => new(Avx.IsSupported ? Avx.RoundToNearestInteger(x.Value) : Vector256.Round(x.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 ScaleByPowerOfTwo(Lanes256 x, Lanes256 n) =>
        Avx512F.VL.IsSupported ? new(Avx512F.VL.Scale(x.Value, n.Value)) : x * PowerOfTwo(n);

    /// <summary>2ⁿ as 2^⌊n/2⌋·2^⌈n/2⌉ built in the exponent bits (each factor stays finite for n = 128).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Lanes256 PowerOfTwo(Lanes256 n)
    {
        var exponent = Avx.IsSupported ? Avx.ConvertToVector256Int32(n.Value) : Vector256.ConvertToInt32(n.Value);
        var half = exponent >> 1;
        var bias = Vector256.Create(127);
        return new(((half + bias) << 23).AsSingle() * ((exponent - half + bias) << 23).AsSingle());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 LessThan(Lanes256 a, Lanes256 b) => new(Vector256.LessThan(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 LessThanOrEqual(Lanes256 a, Lanes256 b) => new(Vector256.LessThanOrEqual(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 GreaterThan(Lanes256 a, Lanes256 b) => new(Vector256.GreaterThan(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Equal(Lanes256 a, Lanes256 b) => new(Vector256.Equals(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Select(Lanes256 mask, Lanes256 whenTrue, Lanes256 whenFalse) =>
        new(Avx.IsSupported ? Avx.BlendVariable(whenFalse.Value, whenTrue.Value, mask.Value) : Vector256.ConditionalSelect(mask.Value, whenTrue.Value, whenFalse.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Lanes256 lanes) => Vector256.Sum(lanes.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Lanes256 lanes)
    {
        var half = Vector128.Max(lanes.Value.GetLower(), lanes.Value.GetUpper());
        return MathF.Max(MathF.Max(half[0], half[1]), MathF.Max(half[2], half[3]));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Uniform(ulong seed, ulong counter) => new(Philox.Uniform8(seed, counter));
}

/// <summary>Sixteen floats: AVX-512 (in software, two halves at a time, where the CPU lacks it).</summary>
public readonly unsafe struct Lanes512(Vector512<float> value) : IFloatLanes<Lanes512>
{
    public Vector512<float> Value { get; } = value;

    public static int Count => Vector512<float>.Count;
    public static Lanes512 Zero => new(Vector512<float>.Zero);
    public static Lanes512 One => new(Vector512<float>.One);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Load(float* source) => new(Vector512.Load(source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lanes512 value, float* destination) => value.Value.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNonTemporal(Lanes512 value, float* destination)
    {
        if (Avx512F.IsSupported) Avx512F.StoreAlignedNonTemporal(destination, value.Value);
        else value.Value.Store(destination);
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Create(float value) => new(Vector512.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Columns(int first) => new(Vector512.ConvertToSingle(Vector512.Create(first) + Vector512<int>.Indices));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator +(Lanes512 a, Lanes512 b) => new(a.Value + b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator -(Lanes512 a, Lanes512 b) => new(a.Value - b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator *(Lanes512 a, Lanes512 b) => new(a.Value * b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator /(Lanes512 a, Lanes512 b) => new(a.Value / b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator -(Lanes512 a) => new(-a.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator &(Lanes512 a, Lanes512 b) => new(a.Value & b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator |(Lanes512 a, Lanes512 b) => new(a.Value | b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 MulAdd(Lanes512 a, Lanes512 b, Lanes512 c) =>
        new(Avx512F.IsSupported ? Avx512F.FusedMultiplyAdd(a.Value, b.Value, c.Value) : Vector512.FusedMultiplyAdd(a.Value, b.Value, c.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Max(Lanes512 a, Lanes512 b) => new(Vector512.Max(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Min(Lanes512 a, Lanes512 b) => new(Vector512.Min(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Clamp(Lanes512 x, Lanes512 low, Lanes512 high) =>
        new(Avx512F.IsSupported ? Avx512F.Min(Avx512F.Max(x.Value, low.Value), high.Value) : Vector512.Min(Vector512.Max(x.Value, low.Value), high.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Abs(Lanes512 x) => new(Vector512.Abs(x.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Sqrt(Lanes512 x) => new(Vector512.Sqrt(x.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Log(Lanes512 x) => new(Vector512.Log(x.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 RoundToNearest(Lanes512 x) => new(Avx512F.IsSupported ? Avx512F.RoundScale(x.Value, 0b1000) : Vector512.Round(x.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 ScaleByPowerOfTwo(Lanes512 x, Lanes512 n) =>
        Avx512F.IsSupported ? new(Avx512F.Scale(x.Value, n.Value)) : x * PowerOfTwo(n);

    /// <summary>2ⁿ as 2^⌊n/2⌋·2^⌈n/2⌉ built in the exponent bits (each factor stays finite for n = 128).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Lanes512 PowerOfTwo(Lanes512 n)
    {
        var exponent = Vector512.ConvertToInt32(n.Value);
        var half = exponent >> 1;
        var bias = Vector512.Create(127);
        return new(((half + bias) << 23).AsSingle() * ((exponent - half + bias) << 23).AsSingle());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 LessThan(Lanes512 a, Lanes512 b) => new(Vector512.LessThan(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 LessThanOrEqual(Lanes512 a, Lanes512 b) => new(Vector512.LessThanOrEqual(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 GreaterThan(Lanes512 a, Lanes512 b) => new(Vector512.GreaterThan(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Equal(Lanes512 a, Lanes512 b) => new(Vector512.Equals(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Select(Lanes512 mask, Lanes512 whenTrue, Lanes512 whenFalse) => new(Vector512.ConditionalSelect(mask.Value, whenTrue.Value, whenFalse.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Lanes512 lanes) => Vector512.Sum(lanes.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Lanes512 lanes) => Lanes256.MaxAcross(new(Vector256.Max(lanes.Value.GetLower(), lanes.Value.GetUpper())));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Uniform(ulong seed, ulong counter) => new(Philox.Uniform16(seed, counter));
}
