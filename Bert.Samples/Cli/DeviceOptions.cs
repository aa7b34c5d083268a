using System.CommandLine;
using Bert.Runtime;
using Bert.Runtime.Cpu;
using Bert.Runtime.Cuda;
using Bert.Runtime.Gpu;
using Bert.Runtime.Distributed;
using Bert.Samples.Devices;
using Spectre.Console;

namespace Bert.Samples.Cli;

/// <summary><c>--device cpu|cuda[:N]</c> and <c>--precision fp32|tf32|bf16</c>, as every model-running command takes them.</summary>
sealed class DeviceOptions
{
    readonly Option<string> device;
    readonly Option<GemmPrecision?> precision = new("--precision")
    {
        Description = $"GEMM operand precision: on a GPU fp32, tf32 or bf16 (default {ComputeDevice.DefaultGpuPrecision.ToString().ToLowerInvariant()}); " +
                      "on the CPU fp32 (default) or bf16 where the CPU has AVX512_BF16 (oneDNN's bf16 GEMMs). " +
                      "Accumulation, parameters and Adam stay fp32.",
        HelpName = "fp32|tf32|bf16",
    };

    public DeviceOptions(string runs = "Where the model runs")
    {
        device = new Option<string>("--device")
        {
            Description = $"{runs}: cpu, cuda[:N] for NVIDIA GPU N (default 0), or gpu-sim: the exact GPU program on ILGPU's " +
                          "CPU accelerator, every GPU thread emulated (no GPU needed; slow: small batches, for debugging a model's GPU kernels).",
            DefaultValueFactory = _ => "cpu",
            HelpName = "cpu|cuda[:N]|gpu-sim",
        };
    }

    public void AddTo(Command command)
    {
        command.Options.Add(device);
        command.Options.Add(precision);
    }

    /// <summary>
    /// The parsed choice. On the CPU, bf16 needs AVX512_BF16 and oneDNN (else a <see cref="UserError"/> that says why)
    /// and tf32 is ignored with a note; on a GPU the driver, the GPU and cuBLAS are checked first, so a missing one is a
    /// <see cref="UserError"/> before any data is read.
    /// A process of a data-parallel <paramref name="group"/> trains on its local rank's GPU (<see cref="RankDevice"/>).
    /// </summary>
    public ComputeDevice Resolve(ParseResult parse, Terminal terminal, ProcessGroup? group = null)
    {
        string? text = parse.GetValue(device);
        if (!DeviceSpec.TryParse(text, out var spec, out string? error)) throw new UserError($"--device: {error}");
        var requested = parse.GetValue(precision);
        if (spec.Kind == DeviceKind.GpuSim)
        {
            if (group is { WorldSize: > 1 }) throw new UserError("--device gpu-sim runs one process; data-parallel training (WORLD_SIZE > 1) needs GPUs.");
            if (requested is { } fp) terminal.ErrorUi.MarkupLine($"[yellow]note:[/] --precision {fp.ToString().ToLowerInvariant()} applies to cuBLAS GEMMs; the simulator computes in fp32.");
            return new ComputeDevice(spec, GemmPrecision.Fp32);
        }
        if (group is not null) spec = RankDevice.Choose(spec, ordinalGiven: text!.Contains(':'), group);
        if (spec.Kind == DeviceKind.Cpu)
        {
            if (requested == GemmPrecision.Bf16)
            {
                if (Blas.Bf16Unavailable is { } why) throw new UserError($"--precision bf16 on the CPU: {why}");
                return ComputeDevice.Cpu with { Precision = GemmPrecision.Bf16 };
            }
            if (requested == GemmPrecision.Tf32)
                terminal.ErrorUi.MarkupLine("[yellow]note:[/] --precision tf32 applies to GPU GEMMs; the CPU computes in fp32.");
            return ComputeDevice.Cpu;
        }
        try
        {
            GpuDevice.Require(spec);
        }
        catch (CudaUnavailableException e)
        {
            throw new UserError($"--device {spec}: {e.Message} Or run on the CPU with --device cpu.", e);
        }
        return new ComputeDevice(spec, requested ?? ComputeDevice.DefaultGpuPrecision);
    }
}
