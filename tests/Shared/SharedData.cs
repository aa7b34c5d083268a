namespace Bert.Tests;

/// <summary>
/// Locates the read-only shared data (../shared/data beside the repository root, or BERT_DATA_DIR).
/// In CI the folder must exist: a missing folder fails the test instead of skipping it.
/// </summary>
public static class SharedData
{
    public static string Root { get; } = Find();

    public static string WikiText2 => Path.Combine(Root, "wikitext-2");
    public static string Mrpc => Path.Combine(Root, "mrpc");
    public static string BertBaseVocab => Path.Combine(Root, "bert-base-uncased", "vocab.txt");

    static string Find()
    {
        string? env = Environment.GetEnvironmentVariable("BERT_DATA_DIR");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return Path.GetFullPath(env);
        // Walk up from the test binaries: the repository root's parent holds shared/data.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException(
            "Shared data not found: set BERT_DATA_DIR or place the data in ../shared/data beside the repository.");
    }
}
