using Bert.Runtime.Ilgpu;
using Bert.Runtime.Training;
using ILGPU.Runtime;

namespace Bert.Samples.Devices;

/// <summary>
/// A model's GPU program on the GPU simulator (<c>--device gpu-sim</c>): the simulator and the model's session on
/// it. The parameters stay on the host, where the trainer updates them: every forward pass uploads them, every
/// backward pass brings the gradients back into the host store.
/// </summary>
sealed class SimulatedGpu : IDisposable
{
    readonly GpuSimulator simulator = new();

    /// <param name="open">The model's generated <c>OpenIlgpu</c>.</param>
    public SimulatedGpu(Func<Accelerator, IlgpuSession> open)
    {
        try
        {
            Session = open(simulator.Accelerator);
        }
        catch
        {
            simulator.Dispose();
            throw;
        }
    }

    public IlgpuSession Session { get; }

    public void BeforeForward(ParameterStore parameters) => Session.UploadParameters(parameters.Values.AsSpan(0, Session.ParameterCount));

    public void AfterBackward(ParameterStore parameters) => Session.DownloadGradients(parameters.Grads.AsSpan(0, Session.ParameterCount));

    public void Dispose()
    {
        Session.Dispose();
        simulator.Dispose();
    }
}
