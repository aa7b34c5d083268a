using System.IO.Compression;
using System.Security.Cryptography;

namespace Bert.Runtime.Data;

/// <summary>Where to download an archive from and the SHA-1 it must have.</summary>
public sealed record DownloadSource(Uri Url, string Sha1)
{
    /// <summary>The official WikiText-2 v1 archive (it holds wikitext-2/wiki.{train,valid,test}.tokens).</summary>
    public static DownloadSource WikiText2 { get; } = new(
        new Uri("https://s3.amazonaws.com/research.metamind.io/wikitext/wikitext-2-v1.zip"),
        "3c914d17d80b1459be871a5039ac23e752a53cbe");
}

/// <summary>Bytes received so far; Total is null when the server does not say.</summary>
public readonly record struct DownloadProgress(long Received, long? Total);

/// <summary>
/// Downloads and unpacks WikiText-2 without ever leaving a half-written folder: the archive goes to a temporary
/// file beside the target, is checked against its SHA-1, is extracted into a temporary folder, and only then is
/// its wikitext-2 folder renamed into place. Temporaries are removed on every failure.
/// </summary>
public sealed class WikiTextDownloader(HttpClient http, DownloadSource source)
{
    const string ArchiveFolder = "wikitext-2";

    public DownloadSource Source => source;

    /// <summary>Downloads the archive and leaves its files in <paramref name="folder"/>.</summary>
    public async Task DownloadAsync(string folder, IProgress<DownloadProgress>? progress = null, CancellationToken cancel = default)
    {
        folder = Path.GetFullPath(folder);
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
            throw Failure(folder, "the folder exists but lacks the WikiText-2 files (it is not empty, so it is left alone)");
        string parent = Path.GetDirectoryName(folder)!;
        string archive = Path.Combine(parent, $".{Path.GetFileName(folder)}.{Guid.NewGuid():N}.zip.part");
        string unpacked = Path.Combine(parent, $".{Path.GetFileName(folder)}.{Guid.NewGuid():N}.unpacking");
        try
        {
            Directory.CreateDirectory(parent);
            string sha1 = await FetchAsync(archive, progress, cancel).ConfigureAwait(false);
            if (!sha1.Equals(source.Sha1, StringComparison.OrdinalIgnoreCase))
                throw Failure(folder, $"the download's SHA-1 is {sha1}, expected {source.Sha1} (corrupt or changed file)");
            Unpack(archive, unpacked, folder);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or UnauthorizedAccessException or InvalidDataException
                                      || e is TaskCanceledException && !cancel.IsCancellationRequested)
        {
            throw Failure(folder, e.Message, e);
        }
        finally
        {
            if (File.Exists(archive)) File.Delete(archive);
            if (Directory.Exists(unpacked)) Directory.Delete(unpacked, recursive: true);
        }
    }

    /// <summary>Streams the archive to <paramref name="path"/>, reporting progress; returns its SHA-1 (hex).</summary>
    async Task<string> FetchAsync(string path, IProgress<DownloadProgress>? progress, CancellationToken cancel)
    {
        using var response = await http.GetAsync(source.Url, HttpCompletionOption.ResponseHeadersRead, cancel).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"the server answered {(int)response.StatusCode} {response.ReasonPhrase}");
        long? total = response.Content.Headers.ContentLength;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        await using var input = await response.Content.ReadAsStreamAsync(cancel).ConfigureAwait(false);
        await using var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        byte[] buffer = new byte[1 << 16];
        long received = 0;
        progress?.Report(new(0, total));
        for (int read; (read = await input.ReadAsync(buffer, cancel).ConfigureAwait(false)) > 0;)
        {
            hash.AppendData(buffer, 0, read);
            await output.WriteAsync(buffer.AsMemory(0, read), cancel).ConfigureAwait(false);
            received += read;
            progress?.Report(new(received, total));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Extracts into <paramref name="unpacked"/>, then renames its wikitext-2 folder to <paramref name="folder"/>.</summary>
    static void Unpack(string archive, string unpacked, string folder)
    {
        ZipFile.ExtractToDirectory(archive, unpacked);
        string extracted = Path.Combine(unpacked, ArchiveFolder);
        if (!File.Exists(Path.Combine(extracted, WikiText2.TrainFile)) || !File.Exists(Path.Combine(extracted, WikiText2.ValidFile)))
            throw new InvalidDataException($"the archive lacks {ArchiveFolder}/{WikiText2.TrainFile} or {ArchiveFolder}/{WikiText2.ValidFile}");
        if (Directory.Exists(folder)) Directory.Delete(folder); // empty (checked above)
        Directory.Move(extracted, folder);
    }

    UserError Failure(string folder, string reason, Exception? inner = null)
    {
        return new UserError(name => $"Could not download WikiText-2 from {source.Url}: {reason}. Download wikitext-2-v1.zip yourself " +
                                     $"and unpack it so that {folder} holds {WikiText2.TrainFile} and {WikiText2.ValidFile}, " +
                                     $"or point {name(Setting.DataFolder)} at a folder holding them.", inner);
    }
}
