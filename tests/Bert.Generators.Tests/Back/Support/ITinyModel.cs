using Bert.Runtime;
using Bert.Runtime.Execution;
using Bert.Runtime.Gpu;

namespace Bert.Generators.Tests.Back.Support;

/// <summary>The generated surface of <see cref="TinyModelPlan"/>'s model, which the test's partial class declares it implements.</summary>
public interface ITinyModel : IDisposable
{
    float[] ParameterValues { get; }
    float[] ParameterGradients { get; }
    void InitializeParameters(ulong seed);
    void Bind(int batch, int seq);
    Span<int> TokensInput { get; }
    float Forward(bool training, ulong seed);
    void Backward();
    ReadOnlySpan<float> Hidden { get; }
    ReadOnlySpan<float> LastToken { get; }
    ReadOnlySpan<float> Loss { get; }
    long ArenaBytes { get; }
    GpuSession OpenGpu(DeviceSpec device, GpuOptions? options = null);
    GpuSession OpenGpu(GpuDevice device, GpuOptions? options = null);
    float ForwardOn(IGpuTarget gpu, bool training, ulong seed);
    void BackwardOn(IGpuTarget gpu);
    void DownloadOutputs(IGpuTarget gpu);
    ReadOnlySpan<float> DownloadLoss(IGpuTarget gpu);
}
