using System.Globalization;

namespace Bert.Runtime;

/// <summary>The CPU; an NVIDIA GPU; or the GPU program emulated on ILGPU's CPU accelerator (slow: for tests and debugging).</summary>
public enum DeviceKind { Cpu, Cuda, GpuSim }

/// <summary>
/// Where a model runs, as written on a command line: <c>cpu</c>, <c>cuda</c> (GPU 0), <c>cuda:N</c>, or <c>gpu-sim</c>
/// (the exact GPU program on ILGPU's CPU accelerator, every GPU thread emulated).
/// </summary>
public readonly record struct DeviceSpec(DeviceKind Kind, int Ordinal)
{
    public static DeviceSpec Cpu => new(DeviceKind.Cpu, 0);

    public static DeviceSpec Cuda(int ordinal = 0) => new(DeviceKind.Cuda, ordinal);

    public static DeviceSpec GpuSim => new(DeviceKind.GpuSim, 0);

    /// <summary>Parses "cpu", "cuda" or "cuda:N" (case-insensitive); throws <see cref="DeviceSpecException"/> otherwise.</summary>
    public static DeviceSpec Parse(string text) =>
        TryParse(text, out var spec, out string? error) ? spec : throw new DeviceSpecException(error);

    public static bool TryParse(string? text, out DeviceSpec spec, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        spec = default;
        string value = (text ?? "").Trim().ToLowerInvariant();
        const string expected = "expected 'cpu', 'cuda', 'cuda:N' where N is a GPU index (0, 1, ...), or 'gpu-sim'";
        switch (value)
        {
            case "cpu": spec = Cpu; error = null; return true;
            case "cuda": spec = Cuda(); error = null; return true;
            case "gpu-sim": spec = GpuSim; error = null; return true;
        }
        if (!value.StartsWith("cuda:", StringComparison.Ordinal))
        {
            error = $"Unknown device '{text}': {expected}.";
            return false;
        }
        string index = value["cuda:".Length..];
        if (!int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out int ordinal))
        {
            error = index.Length == 0
                ? $"Device '{text}' has no GPU index after 'cuda:': {expected}."
                : $"Device '{text}' has GPU index '{index}', which is not a non-negative integer: {expected}.";
            return false;
        }
        spec = Cuda(ordinal);
        error = null;
        return true;
    }

    public override string ToString() => Kind switch { DeviceKind.Cpu => "cpu", DeviceKind.GpuSim => "gpu-sim", _ => $"cuda:{Ordinal}" };
}

/// <summary>A device string that is not "cpu", "cuda", "cuda:N" or "gpu-sim".</summary>
public sealed class DeviceSpecException(string message) : FormatException(message);
