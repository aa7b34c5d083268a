using System.Text.Json;
using Bert.Runtime.Cpu;
using Bert.Tests;

namespace Bert.Samples.Tests;

/// <summary>
/// <c>--precision bf16</c> on the CPU: every GEMM takes bf16 operands (oneDNN, fp32 accumulation), weights and Adam stay
/// fp32; the losses follow the fp32 run's. Where the CPU lacks AVX512_BF16 the command exits 2 and says so.
/// </summary>
public sealed class CpuBf16Tests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("bert-cpu-bf16-").FullName;

    CliRun Pretrain(string precision) => CliRun.Of("pretrain", "--data", SharedData.WikiText2, "--batch", "16", "--max-len", "32",
        "--steps", "3", "--eval-batches", "0", "--precision", precision, "--out", Path.Combine(root, precision), "--json");

    [Fact]
    public void Three_pretraining_steps_at_bf16_follow_the_fp32_losses_or_the_cpu_says_why_not()
    {
        var bf16 = Pretrain("bf16");
        if (Blas.Bf16Unavailable is { } why)
        {
            Assert.Equal(2, bf16.ExitCode);
            Assert.Contains($"--precision bf16 on the CPU: {why}", bf16.Error);
            Assert.False(Directory.Exists(Path.Combine(root, "bf16")));
            return;
        }
        var fp32 = Pretrain("fp32");
        Assert.True(bf16.ExitCode == 0, bf16.Error);
        Assert.True(fp32.ExitCode == 0, fp32.Error);
        using var bf16Json = JsonDocument.Parse(bf16.LastLine);
        using var fp32Json = JsonDocument.Parse(fp32.LastLine);
        Assert.Equal("bf16", bf16Json.RootElement.GetProperty("precision").GetString());
        Assert.Equal(JsonValueKind.Null, fp32Json.RootElement.GetProperty("precision").ValueKind);
        foreach (string loss in new[] { "mlm_loss", "nsp_loss" })
        {
            double a = fp32Json.RootElement.GetProperty(loss).GetDouble(), b = bf16Json.RootElement.GetProperty(loss).GetDouble();
            // bf16 operands round each product's inputs by up to 2⁻⁹: the losses move in the third decimal, not more.
            Assert.True(Math.Abs(a - b) <= 0.01 * a, $"{loss}: fp32 {a}, bf16 {b}");
            Assert.NotEqual(a, b);   // the products did take bf16 operands
        }
        Assert.False(Blas.Bf16Operands);   // the command's scope ended with it
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
