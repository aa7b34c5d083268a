using System.Globalization;

namespace Bert.Runtime;

public enum DeviceKind { Cpu, Cuda }

/// <summary>
/// Where a model runs, as written on a command line: <c>cpu</c>, <c>cuda</c> (GPU 0) or <c>cuda:N</c>.
/// </summary>
public readonly record struct DeviceSpec(DeviceKind Kind, int Ordinal)
{
    public static DeviceSpec Cpu => new(DeviceKind.Cpu, 0);

    public static DeviceSpec Cuda(int ordinal = 0) => new(DeviceKind.Cuda, ordinal);

    /// <summary>Parses "cpu", "cuda" or "cuda:N" (case-insensitive); throws <see cref="DeviceSpecException"/> otherwise.</summary>
    public static DeviceSpec Parse(string text) =>
        TryParse(text, out var spec, out string? error) ? spec : throw new DeviceSpecException(error);

    public static bool TryParse(string? text, out DeviceSpec spec, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        spec = default;
        string value = (text ?? "").Trim().ToLowerInvariant();
        const string expected = "expected 'cpu', 'cuda' or 'cuda:N' where N is a GPU index (0, 1, ...)";
        switch (value)
        {
            case "cpu": spec = Cpu; error = null; return true;
            case "cuda": spec = Cuda(); error = null; return true;
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

    public override string ToString() => Kind == DeviceKind.Cpu ? "cpu" : $"cuda:{Ordinal}";
}

/// <summary>A device string that is not "cpu", "cuda" or "cuda:N".</summary>
public sealed class DeviceSpecException(string message) : FormatException(message);
