namespace Bert.Runtime.Cuda.Blas;

/// <summary>Element types cuBLAS reads and writes; products always accumulate in fp32.</summary>
public enum GemmElement { Float32, BFloat16 }

/// <summary>
/// A GEMM matrix in device memory (its first element's device pointer): its element type, leading dimension (row stride, in elements, of the
/// row-major matrix) and, for batched GEMM, the element distance between consecutive matrices.
/// </summary>
public readonly record struct GemmOperand(nint Pointer, GemmElement Element, int LeadingDimension, long BatchStride = 0);
