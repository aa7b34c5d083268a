using System.Runtime.InteropServices;
using System.Text.Json;
using Bert.Runtime.Cuda;
using Bert.Samples.Cli;
using Bert.Tests;

namespace Bert.Samples.Tests;

/// <summary>
/// <c>--device</c> and <c>--precision</c> on every model-running command, without a GPU: parsing, the note for a
/// precision on the CPU, and the user error (exit 2, the missing library named) when CUDA is not there.
/// </summary>
public sealed class DeviceOptionTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("bert-device-").FullName;

    const string OutFolder = "{out}";

    /// <summary>Each command, with the arguments it needs to get as far as choosing its device ({out}: a fresh folder).</summary>
    public static TheoryData<string[]> Commands() => new()
    {
        new[] { "pretrain", "--data", SharedData.WikiText2, "--steps", "1", "--out", OutFolder },
        new[] { "finetune", "--checkpoint", "no-such-checkpoint", "--data", SharedData.Mrpc, "--out", OutFolder },
        new[] { "encode", "--checkpoint", "no-such-checkpoint", "a crane is flying" },
        new[] { "bench", "step", "--data", SharedData.WikiText2 },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Unusable_cuda_device_is_a_user_error_before_any_work(string[] command)
    {
        // cuda:63 fails on every machine: here for the missing driver, on a GPU machine for the missing GPU.
        // The checkpoints do not exist either: the device is checked first, before any file is read or written.
        string output = Path.Combine(root, "out");
        var run = CliRun.Of([.. command.Select(arg => arg == OutFolder ? output : arg), "--device", "cuda:63"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--device cuda:63:", run.Error);
        if (NativeLibrary.TryLoad("libcuda.so.1", out nint driver))
        {
            NativeLibrary.Free(driver);
            Assert.Contains("cuda:63 was requested", run.Error);
        }
        else
        {
            Assert.Contains("libcuda.so.1", run.Error);
            Assert.Contains("Install the NVIDIA driver", run.Error);
        }
        Assert.Contains("--device cpu", run.Error);
        Assert.False(Directory.Exists(output));
        Assert.DoesNotContain("   at ", run.Error);   // no stack trace
    }

    [Theory]
    [InlineData("tpu", "Unknown device 'tpu'")]
    [InlineData("cuda:", "no GPU index after 'cuda:'")]
    [InlineData("cuda:-1", "not a non-negative integer")]
    public void Malformed_device_is_a_user_error(string device, string message)
    {
        var run = CliRun.Of("bench", "tokenizer", "--device", device, "--data", SharedData.WikiText2);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--device: ", run.Error);
        Assert.Contains(message, run.Error);
    }

    [Fact]
    public void Unknown_precision_is_a_parse_error()
    {
        var run = CliRun.Of("pretrain", "--precision", "fp8");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("fp8", run.Error);
    }

    [Fact]
    public void Precision_on_the_cpu_is_ignored_with_a_note()
    {
        var run = CliRun.Of("bench", "tokenizer", "--runs", "1", "--warmup", "0", "--device", "CPU", "--precision", "TF32",
            "--json", "--data", SharedData.WikiText2);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("note: --precision tf32 applies to GPU GEMMs; the CPU computes in fp32.", run.Error);
        using var json = JsonDocument.Parse(run.LastLine);
        Assert.Equal("cpu", json.RootElement.GetProperty("device").GetString());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("precision").ValueKind);
    }

    [Fact]
    public void Every_model_command_offers_device_and_precision()
    {
        foreach (string command in new[] { "pretrain", "finetune", "encode", "bench" })
        {
            var help = CliRun.Of(command, "--help");
            Assert.Contains("--device <cpu|cuda[:N]|gpu-sim>", help.Out);
            Assert.Contains("--precision <fp32|tf32|bf16>", help.Out);
        }
    }

    [Fact]
    public void Missing_cuda_library_anywhere_in_a_command_exits_2_with_its_message()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = UserErrors.Run(Terminal.Capture(output, error),
            () => throw new CudaUnavailableException("cuBLAS", "cuBLAS is not available (tried libcublas.so.12). Install the CUDA toolkit's cuBLAS."));
        Assert.Equal(UserErrors.ExitCode, code);
        Assert.Contains("error: cuBLAS is not available (tried libcublas.so.12)", error.ToString());
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
