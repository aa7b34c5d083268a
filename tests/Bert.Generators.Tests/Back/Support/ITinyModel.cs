using Bert.Runtime.Execution;
using Bert.Runtime.Gpu;

namespace Bert.Generators.Tests.Back.Support;

/// <summary>The generated surface of <see cref="TinyModelPlan"/>'s model, which the test's partial class declares it implements.</summary>
public interface ITinyModel : ICompiledGpuModel
{
    void Bind(int batch, int seq);
    Span<int> TokensInput { get; }
    ReadOnlySpan<float> Hidden { get; }
    ReadOnlySpan<float> LastToken { get; }
    ReadOnlySpan<float> Loss { get; }
    ReadOnlySpan<float> DownloadLoss(IGpuTarget gpu);
}
