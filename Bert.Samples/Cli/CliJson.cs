using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bert.Samples.Cli;

/// <summary>AOT-safe JSON for the commands' <c>--json</c> output (source-generated, snake_case, one line).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DataSummary))]
[JsonSerializable(typeof(BenchReport))]
[JsonSerializable(typeof(PretrainReport))]
[JsonSerializable(typeof(EncodeReport))]
[JsonSerializable(typeof(FinetuneReport))]
sealed partial class CliJson : JsonSerializerContext
{
    /// <summary>Writes <paramref name="value"/> as one JSON line to the terminal's machine output.</summary>
    public static void WriteLine<T>(Terminal terminal, T value)
    {
        var info = (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)Default.GetTypeInfo(typeof(T))!;
        terminal.Out.WriteLine(JsonSerializer.Serialize(value, info));
        terminal.Out.Flush();
    }
}
