using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Bert.Runtime.Data;

namespace Bert.Runtime.Tests.Data;

/// <summary>The downloader against a loopback HTTP server serving a small WikiText-like zip.</summary>
public sealed class WikiTextDownloaderTests : IDisposable
{
    readonly TestText.TempFolder temp = new();
    string Target => Path.Combine(temp.Path, "cache", "wikitext-2");

    static byte[] Archive(params string[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            foreach (string entry in entries)
            {
                using var writer = new StreamWriter(zip.CreateEntry(entry).Open());
                writer.Write(" a b . c d . \n");
            }
        return buffer.ToArray();
    }

    static byte[] WikiArchive() => Archive("wikitext-2/wiki.train.tokens", "wikitext-2/wiki.valid.tokens", "wikitext-2/wiki.test.tokens");

    static string Sha1(byte[] bytes) => Convert.ToHexStringLower(SHA1.HashData(bytes));

    static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Serves <paramref name="body"/> once at http://127.0.0.1:PORT/wikitext-2-v1.zip.</summary>
    static (HttpListener Server, Uri Url) Serve(byte[] body)
    {
        int port = FreePort();
        var server = new HttpListener();
        server.Prefixes.Add($"http://127.0.0.1:{port}/");
        server.Start();
        _ = Task.Run(async () =>
        {
            var context = await server.GetContextAsync();
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        });
        return (server, new Uri($"http://127.0.0.1:{port}/wikitext-2-v1.zip"));
    }

    void AssertNoLeftovers()
    {
        string parent = Path.GetDirectoryName(Target)!;
        if (Directory.Exists(parent)) Assert.Equal([], Directory.EnumerateFileSystemEntries(parent).Where(p => p != Target).ToArray());
    }

    [Fact]
    public async Task Downloads_verifies_and_unpacks_with_progress()
    {
        byte[] zip = WikiArchive();
        var (server, url) = Serve(zip);
        using var _ = server;
        using var http = new HttpClient();
        var reports = new List<DownloadProgress>();
        var location = new DataLocation(Target, MayDownload: true);

        string folder = await location.EnsureAsync(new WikiTextDownloader(http, new DownloadSource(url, Sha1(zip))),
                                                   new SyncProgress(reports.Add));

        Assert.Equal(Target, folder);
        Assert.True(location.IsComplete);
        Assert.Equal(" a b . c d . \n", File.ReadAllText(Path.Combine(folder, WikiText2.TrainFile)));
        Assert.Equal(new DownloadProgress(zip.Length, zip.Length), reports[^1]);
        Assert.Equal(0, reports[0].Received);
        AssertNoLeftovers();
    }

    [Fact]
    public async Task Checksum_mismatch_leaves_nothing_and_names_the_folder_and_flag()
    {
        var (server, url) = Serve(WikiArchive());
        using var _ = server;
        using var http = new HttpClient();
        var location = new DataLocation(Target, MayDownload: true);
        string wrong = new('0', 40);

        var error = await Assert.ThrowsAsync<UserError>(() =>
            location.EnsureAsync(new WikiTextDownloader(http, new DownloadSource(url, wrong))));

        Assert.Contains($"expected {wrong}", error.Message);
        Assert.Contains(Target, error.Message);
        Assert.Contains("point <DataFolder> at a folder holding them", error.Describe(setting => $"<{setting}>"));
        Assert.False(Directory.Exists(Target));
        AssertNoLeftovers();
    }

    [Fact]
    public async Task Connection_failure_is_a_user_error_naming_the_folder_and_flag()
    {
        using var http = new HttpClient();
        var url = new Uri($"http://127.0.0.1:{FreePort()}/wikitext-2-v1.zip");
        var location = new DataLocation(Target, MayDownload: true);

        var error = await Assert.ThrowsAsync<UserError>(() =>
            location.EnsureAsync(new WikiTextDownloader(http, new DownloadSource(url, new string('0', 40)))));

        Assert.Contains("Could not download WikiText-2", error.Message);
        Assert.Contains(Target, error.Message);
        Assert.Contains("point <DataFolder> at a folder holding them", error.Describe(setting => $"<{setting}>"));
        Assert.False(Directory.Exists(Target));
        AssertNoLeftovers();
    }

    [Fact]
    public async Task Archive_without_the_expected_files_is_rejected()
    {
        byte[] zip = Archive("other/readme.txt");
        var (server, url) = Serve(zip);
        using var _ = server;
        using var http = new HttpClient();
        var error = await Assert.ThrowsAsync<UserError>(() =>
            new WikiTextDownloader(http, new DownloadSource(url, Sha1(zip))).DownloadAsync(Target));
        Assert.Contains("lacks wikitext-2/wiki.train.tokens", error.Message);
        Assert.False(Directory.Exists(Target));
        AssertNoLeftovers();
    }

    [Fact]
    public async Task Explicit_folder_is_never_downloaded_into()
    {
        using var http = new HttpClient();
        var location = DataLocation.Resolve(Target, _ => null);
        Assert.False(location.MayDownload);
        var error = await Assert.ThrowsAsync<UserError>(() =>
            location.EnsureAsync(new WikiTextDownloader(http, DownloadSource.WikiText2)));
        Assert.Contains($"the folder {Target} does not exist", error.Message);
        Assert.Contains("Point <DataFolder> at a folder holding", error.Describe(setting => $"<{setting}>"));

        Directory.CreateDirectory(Target);
        File.WriteAllText(Path.Combine(Target, WikiText2.TrainFile), "x");
        Assert.Contains($"{Path.Combine(Target, WikiText2.ValidFile)} does not exist",
            Assert.Throws<UserError>(location.RequireFiles).Message);
    }

    [Fact]
    public void Location_prefers_the_option_then_BERT_DATA_DIR_then_the_user_cache()
    {
        var env = new Dictionary<string, string?> { ["BERT_DATA_DIR"] = "/data", ["XDG_CACHE_HOME"] = "/xdg", ["HOME"] = "/home/u" };
        Assert.Equal(new DataLocation("/opt/wt2", false), DataLocation.Resolve("/opt/wt2", env.GetValueOrDefault));
        Assert.Equal(new DataLocation("/data/wikitext-2", true), DataLocation.Resolve(null, env.GetValueOrDefault));
        env.Remove("BERT_DATA_DIR");
        Assert.Equal(new DataLocation("/xdg/bert-compiler/wikitext-2", true), DataLocation.Resolve(null, env.GetValueOrDefault));
        env.Remove("XDG_CACHE_HOME");
        Assert.Equal(new DataLocation("/home/u/.cache/bert-compiler/wikitext-2", true), DataLocation.Resolve(null, env.GetValueOrDefault));
    }

    sealed class SyncProgress(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }

    public void Dispose() => temp.Dispose();
}
