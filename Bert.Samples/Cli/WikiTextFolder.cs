using Bert.Runtime.Data;
using Spectre.Console;

namespace Bert.Samples.Cli;

/// <summary>Finds the WikiText-2 folder for a command, downloading it (with a progress bar) where allowed.</summary>
public static class WikiTextFolder
{
    public const string OptionDescription =
        "Folder holding wiki.train.tokens and wiki.valid.tokens. Default: $BERT_DATA_DIR/wikitext-2, else " +
        "$XDG_CACHE_HOME/bert-compiler/wikitext-2 (~/.cache/...), downloaded there when missing.";

    /// <param name="dataOption">The --data value, or null.</param>
    public static string Ensure(Terminal terminal, string? dataOption)
    {
        var location = DataLocation.Resolve(dataOption);
        if (location.IsComplete || !location.MayDownload)
            return location.RequireFiles();

        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        var downloader = new WikiTextDownloader(http, DownloadSource.WikiText2);
        terminal.ErrorUi.MarkupLine($"WikiText-2 is not in [blue]{Markup.Escape(location.Folder)}[/]; downloading " +
                                    $"{Markup.Escape(downloader.Source.Url.ToString())}");
        terminal.ErrorUi.Progress().Start(context =>
        {
            var task = context.AddTask("wikitext-2-v1.zip");
            var progress = new InlineProgress<DownloadProgress>(p =>
            {
                task.IsIndeterminate = p.Total is null;
                if (p.Total is long total) task.MaxValue = total;
                task.Value = p.Received;
            });
            location.EnsureAsync(downloader, progress).GetAwaiter().GetResult();
        });
        return location.Folder;
    }
}
