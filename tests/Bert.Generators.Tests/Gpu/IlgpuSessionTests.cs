using Bert.Generators.Tests.Back;
using ILGPU;
using ILGPU.Runtime.CPU;

namespace Bert.Generators.Tests.Gpu;

/// <summary>
/// The generated GPU program itself (ForwardOn, BackwardOn, DownloadOutputs: every kernel launch, GEMM, clear and
/// copy in its order) runs on ILGPU's CPU accelerator through <see cref="Bert.Runtime.Ilgpu.IlgpuSession"/>, and
/// matches the CPU program of the same compiled model — dropout included, since both draw from Philox.
/// </summary>
public class IlgpuSessionTests
{
    /// <summary>
    /// As for a GPU: the two sides differ in summation order (group reductions, atomics in the embedding scatter),
    /// a few float ulps, so 2e-5 of a tensor's magnitude has margin while a wrong index or mask is off by O(1).
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_gpu_program_on_the_cpu_accelerator_matches_the_cpu_program(bool training)
    {
        const int batch = 3, seq = 7;
        const ulong seed = 11;
        using var model = CSharpModelTests.CreateModel();
        model.InitializeParameters(3);
        model.Bind(batch, seq);
        for (int i = 0; i < batch * seq; i++) model.TokensInput[i] = (i * 5 + i / 7) % CSharpModelTests.Vocab;
        float cpuLoss = model.Forward(training, seed);
        model.Backward();
        float[] cpuHidden = model.Hidden.ToArray(), cpuGradients = [.. model.ParameterGradients];

        using var context = Context.Create(b => b.CPU(new CPUDevice(4, 4, 2)).EnableAlgorithms());
        using var accelerator = context.CreateCPUAccelerator(0);
        using var session = model.OpenIlgpu(accelerator);
        float loss = model.ForwardOn(session, training, seed);
        model.BackwardOn(session);
        model.DownloadOutputs(session);
        var gradients = new float[cpuGradients.Length];
        session.DownloadGradients(gradients);

        Assert.True(Math.Abs(loss - cpuLoss) <= 2e-5 * (1 + Math.Abs(cpuLoss)), $"loss {loss} vs {cpuLoss}");
        AssertClose(cpuHidden, model.Hidden.ToArray(), "Hidden");
        AssertClose(cpuGradients, gradients, "gradients");
    }

    static void AssertClose(float[] expected, float[] actual, string what)
    {
        double scale = 1 + expected.Max(Math.Abs), worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= 2e-5 * scale, $"{what}: max |ILGPU − CPU| = {worst:G3}, allowed {2e-5 * scale:G3}");
    }
}
