namespace Bert.Runtime.Checkpoints;

/// <summary>A checkpoint file that is not a valid safetensors file (or not the one expected); the message names the file and tensor.</summary>
public class CheckpointFormatException(string path, string problem)
    : Exception($"Checkpoint '{path}' is invalid: {problem}")
{
    public string FilePath { get; } = path;
}

/// <summary>A valid checkpoint whose tensors do not match the model: each list names the tensors concerned.</summary>
public sealed class CheckpointMismatchException(string path, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> shapeMismatches)
    : CheckpointFormatException(path, Describe(missing, unexpected, shapeMismatches))
{
    public IReadOnlyList<string> Missing { get; } = missing;
    public IReadOnlyList<string> Unexpected { get; } = unexpected;
    /// <summary>Entries of the form "name: checkpoint [a, b] F32, model [c, d]".</summary>
    public IReadOnlyList<string> ShapeMismatches { get; } = shapeMismatches;

    static string Describe(IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> shapeMismatches)
    {
        var parts = new List<string>();
        if (missing.Count > 0) parts.Add($"missing tensors: {string.Join(", ", missing)}");
        if (unexpected.Count > 0) parts.Add($"unexpected tensors: {string.Join(", ", unexpected)}");
        if (shapeMismatches.Count > 0) parts.Add($"shape mismatches: {string.Join("; ", shapeMismatches)}");
        return $"it does not match the model ({string.Join("; ", parts)}). Was it saved from a different model configuration?";
    }
}
