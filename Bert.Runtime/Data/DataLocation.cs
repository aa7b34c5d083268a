namespace Bert.Runtime.Data;

/// <summary>
/// Where the WikiText-2 files are: the data folder if given (used as is, never downloaded into), else
/// <c>$BERT_DATA_DIR/wikitext-2</c>, else the per-user cache <c>$XDG_CACHE_HOME/bert-compiler/wikitext-2</c>
/// (or <c>~/.cache/…</c>), where a missing copy may be downloaded.
/// </summary>
public sealed record DataLocation(string Folder, bool MayDownload)
{
    public const string DataDirVariable = "BERT_DATA_DIR";

    /// <param name="dataOption">The data folder the user gave (<see cref="Setting.DataFolder"/>), or null.</param>
    /// <param name="environment">Reads environment variables (tests pass their own).</param>
    public static DataLocation Resolve(string? dataOption, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (!string.IsNullOrWhiteSpace(dataOption)) return new(Path.GetFullPath(dataOption), MayDownload: false);
        string? dataDir = environment(DataDirVariable);
        if (!string.IsNullOrWhiteSpace(dataDir)) return new(Path.GetFullPath(Path.Combine(dataDir, "wikitext-2")), true);
        string? cache = environment("XDG_CACHE_HOME");
        if (string.IsNullOrWhiteSpace(cache))
            cache = Path.Combine(environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return new(Path.GetFullPath(Path.Combine(cache, "bert-compiler", "wikitext-2")), MayDownload: true);
    }

    /// <summary>Whether the folder holds the training and validation files.</summary>
    public bool IsComplete =>
        File.Exists(Path.Combine(Folder, WikiText2.TrainFile)) && File.Exists(Path.Combine(Folder, WikiText2.ValidFile));

    /// <summary>
    /// Returns the folder once it holds the files, downloading them first where allowed.
    /// Throws a <see cref="UserError"/> naming the folder to fill and the setting to give otherwise.
    /// </summary>
    public async Task<string> EnsureAsync(WikiTextDownloader downloader, IProgress<DownloadProgress>? progress = null,
                                          CancellationToken cancel = default)
    {
        if (IsComplete || !MayDownload) return RequireFiles();
        await downloader.DownloadAsync(Folder, progress, cancel).ConfigureAwait(false);
        return Folder;
    }

    /// <summary>The folder if it holds the files; otherwise a <see cref="UserError"/> naming what is missing.</summary>
    public string RequireFiles() => IsComplete ? Folder : throw Missing();

    UserError Missing()
    {
        string what = Directory.Exists(Folder)
            ? $"{Path.Combine(Folder, File.Exists(Path.Combine(Folder, WikiText2.TrainFile)) ? WikiText2.ValidFile : WikiText2.TrainFile)} does not exist"
            : $"the folder {Folder} does not exist";
        return new UserError(name => $"WikiText-2 not found: {what}. Point {name(Setting.DataFolder)} at a folder holding " +
                                     $"{WikiText2.TrainFile} and {WikiText2.ValidFile} (from wikitext-2-v1.zip).");
    }
}
