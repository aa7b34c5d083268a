using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bert.Runtime.Cpu;

/// <summary>
/// A vector of floats at one width, so that a kernel is written once and instantiated for <see cref="Lanes256"/> and
/// <see cref="Lanes512"/> (.NET 10 keeps <c>ISimdVector</c> internal). Each instantiation is specialised by the JIT,
/// the wrapper structs vanish into registers, and <see cref="FloatLanes.Wide"/> picks one per process.
/// </summary>
internal unsafe interface IFloatLanes<TSelf> where TSelf : struct, IFloatLanes<TSelf>
{
    /// <summary>Floats per vector.</summary>
    static abstract int Count { get; }
    static abstract TSelf Load(float* source);
    static abstract TSelf Broadcast(float value);
    /// <summary>a·b + c rounded once (in software where the CPU lacks FMA).</summary>
    static abstract TSelf MulAdd(TSelf a, TSelf b, TSelf c);
    static abstract TSelf Multiply(TSelf a, TSelf b);
    static abstract TSelf Add(TSelf a, TSelf b);
    static abstract float Sum(TSelf lanes);
    static abstract void Store(TSelf value, float* destination);
    /// <summary>A store that bypasses the caches; <paramref name="destination"/> aligned to the vector's size.</summary>
    static abstract void StoreNonTemporal(TSelf value, float* destination);
}

/// <summary>Which width this process's vector kernels run at.</summary>
internal static class FloatLanes
{
    /// <summary>Whether 512-bit vectors run in hardware (AVX-512; off with <c>DOTNET_EnableAVX512=0</c>): a JIT-time constant.</summary>
    public static bool Wide => Vector512.IsHardwareAccelerated;
}

internal readonly unsafe struct Lanes256(Vector256<float> value) : IFloatLanes<Lanes256>
{
    readonly Vector256<float> value = value;

    public static int Count => Vector256<float>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Load(float* source) => new(Vector256.Load(source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Broadcast(float value) => new(Vector256.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 MulAdd(Lanes256 a, Lanes256 b, Lanes256 c) =>
        new(Fma.IsSupported ? Fma.MultiplyAdd(a.value, b.value, c.value) : Vector256.FusedMultiplyAdd(a.value, b.value, c.value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Multiply(Lanes256 a, Lanes256 b) => new(a.value * b.value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Add(Lanes256 a, Lanes256 b) => new(a.value + b.value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Lanes256 lanes) => Vector256.Sum(lanes.value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lanes256 value, float* destination) => value.value.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNonTemporal(Lanes256 value, float* destination)
    {
        if (Avx.IsSupported) Avx.StoreAlignedNonTemporal(destination, value.value);
        else value.value.Store(destination);
    }
}

internal readonly unsafe struct Lanes512(Vector512<float> value) : IFloatLanes<Lanes512>
{
    readonly Vector512<float> value = value;

    public static int Count => Vector512<float>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Load(float* source) => new(Vector512.Load(source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Broadcast(float value) => new(Vector512.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 MulAdd(Lanes512 a, Lanes512 b, Lanes512 c) =>
        new(Avx512F.IsSupported ? Avx512F.FusedMultiplyAdd(a.value, b.value, c.value) : Vector512.FusedMultiplyAdd(a.value, b.value, c.value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Multiply(Lanes512 a, Lanes512 b) => new(a.value * b.value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Add(Lanes512 a, Lanes512 b) => new(a.value + b.value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Lanes512 lanes) => Vector512.Sum(lanes.value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lanes512 value, float* destination) => value.value.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNonTemporal(Lanes512 value, float* destination)
    {
        if (Avx512F.IsSupported) Avx512F.StoreAlignedNonTemporal(destination, value.value);
        else value.value.Store(destination);
    }
}
