namespace Bert.Runtime.Execution;

/// <summary>
/// What a generated GPU program (<c>ForwardOn</c>, <c>BackwardOn</c>, <c>DownloadOutputs</c>) runs on: device
/// buffers laid out like the host model's (parameter values and gradients in spec order, the arena at the offsets
/// Bind computes), addressed by opaque 64-bit device addresses; kernel launches by index in the model's launch table
/// with one 8-byte argument slot per kernel parameter; row-major GEMMs; clears and copies. Implemented by
/// <c>GpuSession</c> (the generated ILGPU kernels, on a GPU or the simulator).
/// </summary>
public interface IGpuTarget
{
    /// <summary>Starts a forward or backward pass of the program whose launch table is <paramref name="launches"/>: checks the session is that program's and grows the arena.</summary>
    void Prepare(IReadOnlyList<KernelLaunch> launches, int parameterCount, long arenaBytes);

    /// <summary>The device address of parameter element <paramref name="element"/> (spec order, like the host values).</summary>
    ulong ParameterAt(long element);

    ulong GradientAt(long element);

    /// <summary>The device address of arena element <paramref name="element"/> (the host arena's offsets).</summary>
    ulong ArenaAt(long element);

    /// <summary>Launches kernel <paramref name="kernel"/> over <paramref name="work"/> elements or rows, with one slot per kernel parameter (addresses, or scalars as <c>KernelArg</c> encodes them).</summary>
    void Launch(int kernel, long work, params ReadOnlySpan<ulong> arguments);

    /// <summary>Row-major <c>C = alpha·op(A)·op(B) + beta·C</c> on device addresses: the CPU <c>Blas.Sgemm</c> arguments.</summary>
    void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, ulong a, int lda, ulong b, int ldb, float beta, ulong c, int ldc);

    /// <summary>Strided batched row-major GEMM: the CPU <c>Blas.SgemmStridedBatched</c> arguments on device addresses.</summary>
    void GemmStridedBatched(bool transA, bool transB, int m, int n, int k,
        float alpha, ulong a, int lda, long strideA, ulong b, int ldb, long strideB,
        float beta, ulong c, int ldc, long strideC, int batchCount);

    /// <summary>Sets <paramref name="elements"/> 4-byte elements at <paramref name="address"/> to zero.</summary>
    void Zero(ulong address, long elements);

    void Upload<T>(ReadOnlySpan<T> source, ulong address) where T : unmanaged;

    void Download<T>(ulong address, Span<T> destination) where T : unmanaged;

    /// <summary>Called right after the last step that touches the gradients of <paramref name="parameters"/> (spec indices).</summary>
    void GradientsReady(params ReadOnlySpan<int> parameters);

    /// <summary>Copies all parameter values (spec order) to the device.</summary>
    void UploadParameters(ReadOnlySpan<float> values);
}
