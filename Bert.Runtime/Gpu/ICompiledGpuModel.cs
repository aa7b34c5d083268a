using Bert.Runtime.Execution;

namespace Bert.Runtime.Gpu;

/// <summary>A compiled model with its GPU program (generated where the project references ILGPU): the same passes on a session's buffers.</summary>
public interface ICompiledGpuModel : ICompiledModel
{
    /// <summary>Opens <paramref name="device"/> for this model: its kernels, parameters and gradients there, the parameters uploaded.</summary>
    GpuSession OpenGpu(DeviceSpec device, GpuOptions? options = null);

    /// <summary>As <see cref="OpenGpu(DeviceSpec, GpuOptions?)"/> on a device the caller keeps open.</summary>
    GpuSession OpenGpu(GpuDevice device, GpuOptions? options = null);

    /// <summary>Runs the forward program on <paramref name="gpu"/> and returns the loss; the outputs stay on the device.</summary>
    float ForwardOn(IGpuTarget gpu, bool training, ulong seed);

    /// <summary>Computes the gradients of the last <see cref="ForwardOn"/>'s loss into the session's gradient buffer.</summary>
    void BackwardOn(IGpuTarget gpu);

    /// <summary>Copies every output of the last <see cref="ForwardOn"/> into its host span.</summary>
    void DownloadOutputs(IGpuTarget gpu);
}
