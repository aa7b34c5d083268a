namespace Bert.Generators.Emit
{
    /// <summary>
    /// Device helpers that CUDA kernels call, emitted once at the top of the source (only those used). They need no
    /// header, so NVRTC compiles the source as it is.
    /// </summary>
    internal static class CudaPreamble
    {
        /// <summary>Philox4x32-10, laid out exactly like the CPU generator so dropout masks agree bit for bit.</summary>
        public const string Philox = @"// Philox4x32-10 (Salmon et al., SC'11): key = (seed low, seed high), counter = (block low, block high, 0, 0) for
// block = counter / 4. The uniform is the top 24 bits of output word counter % 4 times 2^-24, in [0, 1): four
// consecutive elements share a block, and each value is bit-identical to the CPU's Philox.Uniform(seed, counter),
// whatever the thread that draws it.
__device__ __forceinline__ float philox_uniform(unsigned long long seed, unsigned long long counter)
{
    const unsigned long long block = counter >> 2;
    unsigned int c0 = (unsigned int)block, c1 = (unsigned int)(block >> 32), c2 = 0u, c3 = 0u;
    unsigned int k0 = (unsigned int)seed, k1 = (unsigned int)(seed >> 32);
    #pragma unroll
    for (int round = 0; round < 10; round++)
    {
        unsigned int hi0 = __umulhi(0xD2511F53u, c0), lo0 = 0xD2511F53u * c0;
        unsigned int hi1 = __umulhi(0xCD9E8D57u, c2), lo1 = 0xCD9E8D57u * c2;
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    const unsigned int word = (counter & 3) == 0 ? c0 : (counter & 3) == 1 ? c1 : (counter & 3) == 2 ? c2 : c3;
    return (float)(word >> 8) * (1.0f / 16777216.0f);
}";

        /// <summary>Block-wide reductions for row kernels (one block per row).</summary>
        public const string BlockReduce = @"struct SumOp
{
    __device__ __forceinline__ static float identity() { return 0.0f; }
    __device__ __forceinline__ float operator()(float a, float b) const { return a + b; }
};

struct MaxOp
{
    __device__ __forceinline__ static float identity() { return __int_as_float(0xff800000); }
    __device__ __forceinline__ float operator()(float a, float b) const { return fmaxf(a, b); }
};

// Combines every thread's partial value across the block and returns the result to all threads: a butterfly within
// each warp, then one over the warps' results. blockDim.x is a multiple of 32; scratch holds one float per warp.
template <typename Op>
__device__ __forceinline__ float block_reduce(float value, float* scratch, Op op)
{
    for (int offset = 16; offset > 0; offset >>= 1) value = op(value, __shfl_xor_sync(0xffffffffu, value, offset));
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    __syncthreads();  // an earlier reduction may still be reading scratch
    if (lane == 0) scratch[warp] = value;
    __syncthreads();
    value = lane < (int)(blockDim.x >> 5) ? scratch[lane] : Op::identity();
    for (int offset = 16; offset > 0; offset >>= 1) value = op(value, __shfl_xor_sync(0xffffffffu, value, offset));
    return value;
}";
    }
}
