namespace Bert.Runtime.Data.Mrpc;

/// <summary>An MRPC file that is missing or malformed; the message names the file and the bad lines.</summary>
public sealed class MrpcDataException(string message, string filePath, IReadOnlyList<int> lineNumbers) : Exception(message)
{
    /// <summary>The file (or the name given to an in-memory text).</summary>
    public string FilePath { get; } = filePath;

    /// <summary>The 1-based numbers of the offending lines; empty when the problem is the file as a whole.</summary>
    public IReadOnlyList<int> LineNumbers { get; } = lineNumbers;
}
