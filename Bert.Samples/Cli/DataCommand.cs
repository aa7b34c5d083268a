using System.CommandLine;
using System.Diagnostics;
using Bert.Runtime.Data;
using Spectre.Console;

namespace Bert.Samples.Cli;

/// <summary><c>bert data</c>: builds the WikiText-2 pretraining set and prints a summary (or one JSON line).</summary>
static class DataCommand
{
    public static Command Create(Terminal terminal)
    {
        var data = new Option<string?>("--data") { Description = WikiTextFolder.OptionDescription, HelpName = "DIR" };
        var maxLen = new Option<int>("--max-len")
        {
            Description = "Tokens per example, <cls> a <sep> b <sep> included; longer sentence pairs are dropped (at least 5).",
            DefaultValueFactory = _ => 64,
        };
        var batch = new Option<int>("--batch") { Description = "Examples per batch.", DefaultValueFactory = _ => 512 };
        var seed = new Option<ulong>("--seed")
        {
            Description = "Seeds the paragraph shuffle, NSP pairs, masking and batch order: the same seed gives the same data on any machine.",
            DefaultValueFactory = _ => 0,
        };
        var dynamicMasking = new Option<bool>("--dynamic-masking") { Description = "Re-draw the masked positions every epoch." };
        var json = new Option<bool>("--json") { Description = "Print the summary as one JSON object (the last line)." };

        var command = new Command("data", "Build the WikiText-2 pretraining dataset (MLM + NSP) and print a summary.")
        {
            data, maxLen, batch, seed, dynamicMasking, json,
        };
        command.SetGuardedAction(terminal, parse =>
        {
            var options = new PretrainingOptions
            {
                MaxLen = parse.GetValue(maxLen),
                BatchSize = parse.GetValue(batch),
                Seed = parse.GetValue(seed),
                DynamicMasking = parse.GetValue(dynamicMasking),
            };
            options.Validate();
            string folder = WikiTextFolder.Ensure(terminal, parse.GetValue(data));
            var summary = Summarize(folder, options);
            if (parse.GetValue(json)) CliJson.WriteLine(terminal, summary);
            else Print(terminal.Ui, summary);
            return 0;
        });
        return command;
    }

    static DataSummary Summarize(string folder, PretrainingOptions options)
    {
        var clock = Stopwatch.StartNew();
        var train = WikiText2.BuildTraining(folder, options);
        double seconds = clock.Elapsed.TotalSeconds;
        var valid = WikiText2.BuildValidation(folder, train.Vocabulary, options);
        var stats = train.Statistics();
        return new DataSummary(folder, options.MaxLen, options.BatchSize, options.Seed, options.DynamicMasking,
            train.ParagraphCount, train.SentenceCount, train.CorpusTokenCount, train.Vocabulary.Count, train.Count,
            train.Batches().BatchesPerEpoch, stats.NspPositiveFraction, stats.MaskedFraction,
            stats.MaskShare, stats.KeepShare, stats.RandomShare, valid.Count, Math.Round(seconds, 4));
    }

    static void Print(IAnsiConsole ui, DataSummary s)
    {
        var table = new Table().Border(TableBorder.Rounded).HideHeaders().Title("WikiText-2 pretraining data")
            .AddColumn("").AddColumn(new TableColumn("").RightAligned());
        void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
        Row("folder", s.Folder);
        Row("max len / batch / seed", $"{s.MaxLen} / {s.BatchSize} / {s.Seed}{(s.DynamicMasking ? " (dynamic masking)" : "")}");
        Row("paragraphs", $"{s.Paragraphs:N0}");
        Row("sentences", $"{s.Sentences:N0}");
        Row("tokens", $"{s.Tokens:N0}");
        Row("vocabulary", $"{s.VocabularySize:N0}");
        Row("examples (train)", $"{s.Examples:N0} in {s.BatchesPerEpoch:N0} batches");
        Row("examples (validation)", $"{s.ValidationExamples:N0}");
        Row("NSP positives", $"{s.NspPositiveFraction:P2}");
        Row("masked (of unpadded tokens)", $"{s.MaskedFraction:P2}");
        Row("mask / keep / random", $"{s.MaskShare:P1} / {s.KeepShare:P1} / {s.RandomShare:P1}");
        Row("build time (train)", $"{s.BuildSeconds:F3} s");
        ui.Write(table);
        ui.WriteLine();
    }
}

/// <summary>What <c>bert data</c> reports.</summary>
sealed record DataSummary(
    string Folder, int MaxLen, int BatchSize, ulong Seed, bool DynamicMasking,
    int Paragraphs, int Sentences, int Tokens, int VocabularySize, int Examples, int BatchesPerEpoch,
    double NspPositiveFraction, double MaskedFraction, double MaskShare, double KeepShare, double RandomShare,
    int ValidationExamples, double BuildSeconds);
