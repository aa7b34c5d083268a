using System.CommandLine;
using System.Globalization;
using Bert.Runtime;
using Bert.Samples.Pretraining;
using Spectre.Console;

namespace Bert.Samples.Cli;

/// <summary>
/// <c>bert encode</c>: the tutorial's contextual encodings. Encodes one example (a sentence, or a pair) with a
/// pretrained checkpoint and prints its tokens, the encoding shapes and the first values of one word's vector;
/// with <c>--compare</c>, encodes a second example and prints the cosine similarity of that word in both.
/// </summary>
static class EncodeCommand
{
    public static Command Create(Terminal terminal)
    {
        var sentences = new Argument<string[]>("SENTENCE")
        {
            Description = "One sentence, or two for a sentence pair (<cls> a <sep> b <sep>).",
            Arity = new ArgumentArity(1, 2),
        };
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint folder written by 'bert pretrain --out'.", Required = true, HelpName = "DIR" };
        var compare = new Option<string[]>("--compare")
        {
            Description = "A second example (one or two sentences) to compare the word's encoding with.",
            Arity = new ArgumentArity(1, 2),
            AllowMultipleArgumentsPerToken = true,
        };
        var word = new Option<string?>("--word") { Description = "The word whose encoding is shown (default: the second word, as in the tutorial; with --compare, the longest word both examples share)." };
        var json = new Option<bool>("--json") { Description = "Print the tokens and full encodings as one JSON object (the last line)." };
        var device = new DeviceOptions("Where the encoder runs");
        var command = new Command("encode", "Print BERT's contextual encodings of a sentence or sentence pair (e.g. \"a crane is flying\").")
        {
            sentences, checkpoint, compare, word, json,
        };
        device.AddTo(command);
        command.SetGuardedAction(terminal, parse =>
        {
            string[] first = parse.GetValue(sentences)!;
            string[]? second = parse.GetValue(compare);
            var runsOn = device.Resolve(parse, terminal);
            using var model = PretrainedCheckpoint.Open(parse.GetValue(checkpoint)!);
            model.Model.UseDevice(runsOn.Device, runsOn.GpuOptions);
            var examples = new List<SentenceEncoding> { SentenceEncoding.Of(model, first[0], first.ElementAtOrDefault(1)) };
            if (second is { Length: > 0 }) examples.Add(SentenceEncoding.Of(model, second[0], second.ElementAtOrDefault(1)));

            string focus = parse.GetValue(word)?.ToLowerInvariant() ?? DefaultWord(examples);
            if (examples.All(e => e.IndexOf(focus) < 0))
                throw new UserError($"--word '{focus}' is not a token of the example ({string.Join(' ', examples[0].Tokens)}); pick one of its words.");
            foreach (var example in examples) Print(terminal.Ui, example, focus);
            double? cosine = null;
            if (examples.Count == 2)
            {
                int i = examples[0].IndexOf(focus), j = examples[1].IndexOf(focus);
                if (i < 0 || j < 0) throw new UserError($"'{focus}' is not in both examples; pick a shared word with --word.");
                cosine = SentenceEncoding.Cosine(examples[0].Row(i), examples[1].Row(j));
                terminal.Ui.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cosine similarity of \"{focus}\" in the two contexts: {cosine:F4}"));
            }
            if (parse.GetValue(json))
                CliJson.WriteLine(terminal, new EncodeReport(focus, cosine, examples.Select(e => new EncodedExample(e.Tokens,
                    Enumerable.Range(0, e.Tokens.Length).Select(t => e.Row(t).ToArray()).ToArray())).ToArray()));
            return 0;
        });
        return command;
    }

    static string DefaultWord(List<SentenceEncoding> examples)
    {
        static IEnumerable<string> Words(SentenceEncoding e) => e.Tokens.Where(t => !t.StartsWith('<'));
        if (examples.Count == 1) return Words(examples[0]).ElementAtOrDefault(1) ?? Words(examples[0]).First(); // the tutorial's position 2
        var shared = examples.Skip(1).Aggregate(Words(examples[0]), (common, e) => common.Intersect(Words(e))).ToList();
        return shared.Count > 0 ? shared.MaxBy(w => w.Length)! : Words(examples[0]).First();
    }

    static void Print(IAnsiConsole ui, SentenceEncoding e, string focus)
    {
        ui.MarkupLine($"tokens: [blue]{Markup.Escape(string.Join(' ', e.Tokens))}[/]");
        ui.WriteLine($"encodings: (1, {e.Tokens.Length}, {e.Hidden}); <cls> encoding: (1, {e.Hidden})");
        int at = e.IndexOf(focus);
        if (at >= 0)
        {
            var first3 = string.Join(", ", e.Row(at)[..3].ToArray().Select(v => v.ToString("F4", CultureInfo.InvariantCulture)));
            ui.WriteLine($"\"{focus}\" encoding[:3]: [{first3}]");
        }
    }
}

/// <summary>What <c>bert encode --json</c> prints.</summary>
sealed record EncodeReport(string Word, double? Cosine, EncodedExample[] Examples);

sealed record EncodedExample(string[] Tokens, float[][] Encodings);
