using ILGPU;

namespace Bert.Runtime.Gpu.Gemm;

/// <summary>
/// A GEMM operand in a session's buffers: the floats it spans, as an ILGPU view (for kernels and copies) and as the
/// raw pointer native libraries read (a device pointer on a GPU, a host pointer on the simulator).
/// </summary>
public readonly record struct DeviceFloats(ArrayView<float> View, nint Pointer);
