using Bert.Runtime.Cuda.Kernels;
using Bert.Runtime.Cuda.Nvrtc;

namespace Bert.Runtime.Cuda.Execution;

/// <summary>
/// The hand-written kernels a <see cref="GpuSession"/> launches itself (the model's own kernels are generated):
/// the fused Adam/AdamW update, the sum of squared gradients for global-norm clipping, and fp32 → bf16 operand
/// conversion for tensor-core GEMMs. One NVRTC module, compiled once per device architecture (disk cache).
/// </summary>
public sealed class GpuRuntimeKernels : IDisposable
{
    public const string ModuleName = "BertRuntimeKernels";

    /// <summary>Threads per block of every runtime kernel; each walks its range with a grid-stride loop.</summary>
    public const int BlockSize = 256;

    public const string Source = """
        // Kernels of the Bert.Compiler GPU runtime (hand-written, not generated). Compiled with NVRTC.
        #include "bert_bf16.cuh"

        // One Adam/AdamW step over n parameters sharing one weight-decay setting, in the order of the CPU
        // Bert.Runtime.Training.AdamOptimizer:
        //   g ← gradScale·grad + l2·θ                 (gradScale: global-norm clipping; l2: Adam's L2 decay or 0)
        //   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²
        //   θ ← θ·keep + stepSize · m / (√(v·invCorrection2) + ε)
        // keep = 1 − lr·wd under AdamW's decoupled decay (else 1); stepSize = −lr / (1 − β1ᵗ); invCorrection2 = 1 / (1 − β2ᵗ).
        extern "C" __global__ void __launch_bounds__(256) adam_update(
            float* theta, const float* grad, float* m, float* v, long long n,
            float beta1, float beta2, float epsilon, float l2, float keep, float stepSize, float invCorrection2, float gradScale)
        {
            for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
            {
                const float p = theta[i];
                const float g = grad[i] * gradScale + l2 * p;
                const float mi = beta1 * m[i] + (1.0f - beta1) * g;
                const float vi = beta2 * v[i] + (1.0f - beta2) * (g * g);
                m[i] = mi;
                v[i] = vi;
                theta[i] = p * keep + stepSize * (mi / (sqrtf(vi * invCorrection2) + epsilon));
            }
        }

        // Adds Σ x² over n floats into *total (zeroed by the caller): double sums per thread, a warp butterfly, one
        // atomicAdd per warp. NaN or ±Inf anywhere makes the total non-finite, which is how divergence is detected.
        extern "C" __global__ void __launch_bounds__(256) sum_squares(const float* x, long long n, double* total)
        {
            double sum = 0.0;
            for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
            {
                const double xi = x[i];
                sum += xi * xi;
            }
            for (int offset = 16; offset > 0; offset >>= 1) sum += __shfl_xor_sync(0xffffffffu, sum, offset);
            if ((threadIdx.x & 31) == 0) atomicAdd(total, sum);
        }

        // out[i] = bf16(in[i]), rounded to nearest even: a GEMM operand copy for the bf16 tensor-core path.
        extern "C" __global__ void __launch_bounds__(256) to_bf16(bf16* out, const float* in, long long n)
        {
            for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
                out[i] = float_to_bf16(in[i]);
        }
        """;

    readonly CudaModule module;

    GpuRuntimeKernels(CudaModule module)
    {
        this.module = module;
        AdamUpdate = module.GetKernel("adam_update");
        SumSquares = module.GetKernel("sum_squares");
        ToBf16 = module.GetKernel("to_bf16");
    }

    /// <summary>Compiles (or takes from the NVRTC cache) and loads the kernels on <paramref name="device"/>.</summary>
    public static GpuRuntimeKernels Load(CudaDevice device, NvrtcCompiler compiler) =>
        new(device.LoadModule(compiler.Compile(ModuleName, Source, device.CompileTarget)));

    public CudaKernel AdamUpdate { get; }
    public CudaKernel SumSquares { get; }
    public CudaKernel ToBf16 { get; }

    /// <summary>
    /// A grid-stride launch over <paramref name="elements"/>: enough blocks to give each thread one element, capped
    /// at <see cref="Bert.Runtime.Execution.CudaKernelLaunch.MaxGridStrideBlocks"/> (the loop covers the rest).
    /// </summary>
    public static LaunchConfig GridStride(long elements)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(elements);
        long blocks = Math.Min((elements + BlockSize - 1) / BlockSize, Bert.Runtime.Execution.CudaKernelLaunch.MaxGridStrideBlocks);
        return new LaunchConfig(new Dim3((uint)blocks), new Dim3(BlockSize));
    }

    public void Dispose() => module.Dispose();
}
