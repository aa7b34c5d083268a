using Bert.Runtime.Cuda.Kernels;

namespace Bert.Runtime.Tests.Cuda;

/// <summary>Hand-written kernels shaped like the generator's output: elementwise, row reduction, bf16.</summary>
static class TestKernels
{
    /// <summary>out = gelu(x + bias[col]) with the erf form of GELU, one thread per element.</summary>
    public static readonly CudaKernelSource BiasGelu = new("bias_gelu", """
        extern "C" __global__ void bias_gelu(float* out, const float* x, const float* bias, int rows, int cols) {
            int i = blockIdx.x * blockDim.x + threadIdx.x;
            if (i >= rows * cols) return;
            float v = x[i] + bias[i % cols];
            out[i] = 0.5f * v * (1.0f + erff(v * 0.70710678118f));
        }
        """, CudaLaunchRule.Elementwise());

    /// <summary>Row-wise layer norm: one block per row, warp-shuffle sums combined through shared memory.</summary>
    public static readonly CudaKernelSource LayerNorm = new("layer_norm", """
        __device__ float warp_sum(float v) {
            for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
            return v;
        }

        // Every thread gets the block's total; partial holds one float per warp (dynamic shared memory).
        __device__ float block_sum(float v, float* partial) {
            v = warp_sum(v);
            if ((threadIdx.x & 31) == 0) partial[threadIdx.x >> 5] = v;
            __syncthreads();
            float total = 0.0f;
            for (int w = 0; w < (blockDim.x + 31) / 32; ++w) total += partial[w];
            __syncthreads();
            return total;
        }

        extern "C" __global__ void layer_norm(float* out, const float* x, const float* gamma, const float* beta,
                                              int cols, float eps) {
            extern __shared__ float partial[];
            const float* row = x + (size_t)blockIdx.x * cols;
            float* out_row = out + (size_t)blockIdx.x * cols;
            float sum = 0.0f;
            for (int c = threadIdx.x; c < cols; c += blockDim.x) sum += row[c];
            float mean = block_sum(sum, partial) / cols;
            float squares = 0.0f;
            for (int c = threadIdx.x; c < cols; c += blockDim.x) { float d = row[c] - mean; squares += d * d; }
            float rstd = rsqrtf(block_sum(squares, partial) / cols + eps);
            for (int c = threadIdx.x; c < cols; c += blockDim.x) out_row[c] = (row[c] - mean) * rstd * gamma[c] + beta[c];
        }
        """, CudaLaunchRule.PerRow(256, sharedMemoryBytes: 32 * sizeof(float)));

    /// <summary>bf16 pairs scaled in fp32 and rounded back, through bert_bf16.cuh.</summary>
    public static readonly CudaKernelSource ScaleBf16 = new("scale_bf16", """
        #include "bert_bf16.cuh"

        extern "C" __global__ void scale_bf16(bf16x2* out, const bf16x2* x, float scale, int pairs) {
            int i = blockIdx.x * blockDim.x + threadIdx.x;
            if (i >= pairs) return;
            float2 v = bf16x2_to_float2(x[i]);
            out[i] = float2_to_bf16x2(make_float2(v.x * scale, v.y * scale));
        }
        """, CudaLaunchRule.Elementwise());

    /// <summary>fp32 to bf16, one element per thread, through bert_bf16.cuh's scalar conversion.</summary>
    public static readonly CudaKernelSource ToBf16 = new("to_bf16", """
        #include "bert_bf16.cuh"

        extern "C" __global__ void to_bf16(bf16* out, const float* x, int n) {
            int i = blockIdx.x * blockDim.x + threadIdx.x;
            if (i < n) out[i] = float_to_bf16(x[i]);
        }
        """, CudaLaunchRule.Elementwise());

    public static readonly CudaKernelSource[] All = [BiasGelu, LayerNorm, ScaleBf16, ToBf16];
}
