namespace Bert.Runtime.Cuda.Nvrtc;

/// <summary>
/// Headers every NVRTC compilation can <c>#include</c> by name. NVRTC 11.8 (Debian's) ships no
/// <c>cuda_bf16.h</c>, and the toolkit headers are a multi-GB package, so bfloat16 comes from
/// <c>bert_bf16.cuh</c> here: a 16-bit storage type with round-to-nearest-even conversions (sm_80+).
/// </summary>
public static class CudaHeaders
{
    public const string Bf16Name = "bert_bf16.cuh";

    public const string Bf16 = """
        // bert_bf16.cuh: bfloat16 storage for kernels compiled by NVRTC without the CUDA toolkit headers.
        // Load bf16, compute in float, store bf16 (round to nearest even). Needs sm_80 or newer.
        #pragma once

        struct __align__(2) bf16 { unsigned short bits; };
        struct __align__(4) bf16x2 { unsigned int bits; };  // .x in the low half, .y in the high half

        // A bf16 is the upper 16 bits of a float.
        __device__ __forceinline__ float bf16_to_float(bf16 v) { return __uint_as_float((unsigned int)v.bits << 16); }

        __device__ __forceinline__ bf16 float_to_bf16(float f) {
            bf16 r;
            asm("cvt.rn.bf16.f32 %0, %1;" : "=h"(r.bits) : "f"(f));
            return r;
        }

        __device__ __forceinline__ float2 bf16x2_to_float2(bf16x2 v) {
            return make_float2(__uint_as_float(v.bits << 16), __uint_as_float(v.bits & 0xffff0000u));
        }

        // cvt.rn.bf16x2.f32 d, a, b puts a in the high half and b in the low half.
        __device__ __forceinline__ bf16x2 float2_to_bf16x2(float2 f) {
            bf16x2 r;
            asm("cvt.rn.bf16x2.f32 %0, %1, %2;" : "=r"(r.bits) : "f"(f.y), "f"(f.x));
            return r;
        }
        """;

    /// <summary>(include name, contents) pairs handed to every compilation.</summary>
    public static IReadOnlyList<(string Name, string Contents)> All { get; } = [(Bf16Name, Bf16)];
}
