using System.Text.Json;
using Bert.Runtime.Checkpoints;
using Bert.Runtime.Trainer;
using Bert.Tests;

namespace Bert.Samples.Tests;

/// <summary>
/// <c>--device gpu-sim</c>: the tutorial model's generated GPU program (its ILGPU kernels, launched by the generated
/// ForwardOn/BackwardOn) trains on ILGPU's CPU accelerator, and one step gives the CPU program's losses and
/// weights. Slow by nature (every GPU thread emulated): one tiny step.
/// </summary>
[Trait("Category", "Slow")]
public sealed class GpuSimulatorTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("bert-gpu-sim-").FullName;

    CliRun Pretrain(string device) => CliRun.Of("pretrain", "--data", SharedData.WikiText2, "--batch", "2", "--max-len", "16",
        "--steps", "1", "--eval-batches", "0", "--device", device, "--out", Path.Combine(root, device), "--json");

    [Fact]
    public void A_step_on_the_gpu_simulator_matches_the_cpu_step()
    {
        var cpu = Pretrain("cpu");
        var simulated = Pretrain("gpu-sim");
        Assert.True(simulated.ExitCode == 0, simulated.Error);
        Assert.True(cpu.ExitCode == 0, cpu.Error);
        using (var json = JsonDocument.Parse(simulated.LastLine)) Assert.Equal("gpu-sim", json.RootElement.GetProperty("device").GetString());
        Assert.Contains("on gpu-sim (ILGPU CPU accelerator)", simulated.Out);

        double Loss(CliRun run, string name) => JsonDocument.Parse(run.LastLine).RootElement.GetProperty(name).GetDouble();
        foreach (string loss in new[] { "mlm_loss", "nsp_loss" })
            Assert.True(Math.Abs(Loss(cpu, loss) - Loss(simulated, loss)) <= 2e-5 * (1 + Math.Abs(Loss(cpu, loss))), loss);

        // One Adam step moves each weight by about lr · g / (|g| + eps), lr = 1e-3: the same gradients give the same
        // step, and a wrong one is off by up to 2·lr. Where a gradient is near zero, its summation order (group
        // reductions, atomics) shows through that normalization: measured 5e-5, a twentieth of a step; allowed a fifth.
        using var a = SafeTensorsFile.Open(Path.Combine(root, "cpu", CheckpointFolder.ModelFile));
        using var b = SafeTensorsFile.Open(Path.Combine(root, "gpu-sim", CheckpointFolder.ModelFile));
        foreach (var tensor in a.Tensors)
        {
            float[] x = a.ReadFloats(tensor.Name), y = b.ReadFloats(tensor.Name);
            double worst = x.Zip(y, (p, q) => Math.Abs(p - q)).DefaultIfEmpty(0).Max();
            Assert.True(worst <= 2e-4, $"{tensor.Name}: max |gpu-sim − cpu| = {worst:G3}");
        }
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
