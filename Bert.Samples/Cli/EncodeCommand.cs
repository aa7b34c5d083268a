using System.CommandLine;
using System.Globalization;
using Bert.Runtime;
using Bert.Samples.Encoding;
using Spectre.Console;

namespace Bert.Samples.Cli;

/// <summary>
/// <c>bert encode</c>: the tutorial's contextual encodings. Encodes one example (a sentence, or a pair) with a
/// checkpoint (our pretraining's, or any BERT in HuggingFace layout) and prints its tokens, the encoding shapes,
/// the first values of one word's vector and of the sentence embedding (mean pooling, unit length); with
/// <c>--compare</c>, encodes a second example and prints the cosine similarity of that word and of the two
/// sentence embeddings.
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
        var checkpoint = new Option<string>("--checkpoint")
        {
            Description = "Checkpoint folder: a 'bert pretrain --out' folder, or a BERT in HuggingFace layout ('bert import', 'bert finetune --out', a downloaded model).",
            Required = true, HelpName = "DIR",
        };
        var compare = new Option<string[]>("--compare")
        {
            Description = "A second example (one or two sentences) to compare the word's encoding with.",
            Arity = new ArgumentArity(1, 2),
            AllowMultipleArgumentsPerToken = true,
        };
        var word = new Option<string?>("--word") { Description = "The token whose encoding is shown (default: the second word, as in the tutorial; with --compare, the longest word both examples share)." };
        var json = new Option<bool>("--json") { Description = "Print the tokens and full encodings as one JSON object (the last line)." };
        var device = new DeviceOptions("Where the encoder runs");
        var command = new Command("encode", "Print BERT's contextual encodings and sentence embedding of a sentence or sentence pair (e.g. \"a crane is flying\").")
        {
            sentences, checkpoint, compare, word, json,
        };
        device.AddTo(command);
        command.SetGuardedAction(terminal, parse =>
        {
            string[] first = parse.GetValue(sentences)!;
            string[]? second = parse.GetValue(compare);
            var runsOn = device.Resolve(parse, terminal);
            using var gemms = runsOn.UseCpuGemmPrecision();
            using var encoder = SentenceEncoders.Open(parse.GetValue(checkpoint)!);
            terminal.ErrorUi.WriteLine($"model: {encoder.Description}");
            foreach (string note in encoder.Notes) terminal.ErrorUi.MarkupLine($"[yellow]note:[/] {Markup.Escape(note)}");
            encoder.UseDevice(runsOn.Device, runsOn.GpuOptions);
            var examples = new List<SentenceEncoding> { encoder.Encode(first[0], first.ElementAtOrDefault(1)) };
            if (second is { Length: > 0 }) examples.Add(encoder.Encode(second[0], second.ElementAtOrDefault(1)));

            string focus = parse.GetValue(word) ?? DefaultWord(examples);
            if (examples.All(e => e.IndexOf(focus) < 0))
                throw new UserError($"--word '{focus}' is not a token of the example ({string.Join(' ', examples[0].Tokens)}); pick one of its tokens.");
            foreach (var example in examples) Print(terminal.Ui, example, focus);
            double? cosine = null, sentenceCosine = null;
            if (examples.Count == 2)
            {
                int i = examples[0].IndexOf(focus), j = examples[1].IndexOf(focus);
                if (i < 0 || j < 0) throw new UserError($"'{focus}' is not in both examples; pick a shared word with --word.");
                cosine = SentenceEncoding.Cosine(examples[0].Row(i), examples[1].Row(j));
                sentenceCosine = SentenceEncoding.Cosine(examples[0].Embedding, examples[1].Embedding);
                terminal.Ui.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cosine similarity of \"{examples[0].Tokens[i]}\" in the two contexts: {cosine:F4}"));
                terminal.Ui.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cosine similarity of the two sentence embeddings: {sentenceCosine:F4}"));
            }
            if (parse.GetValue(json))
                CliJson.WriteLine(terminal, new EncodeReport(focus, cosine, sentenceCosine, examples.Select(e => new EncodedExample(e.Tokens,
                    Enumerable.Range(0, e.Tokens.Length).Select(t => e.Row(t).ToArray()).ToArray(), e.Embedding)).ToArray()));
            return 0;
        });
        return command;
    }

    static string DefaultWord(List<SentenceEncoding> examples)
    {
        // Words, not the special tokens (<cls>, [SEP], ...) or WordPiece continuations.
        static IEnumerable<string> Words(SentenceEncoding e) =>
            e.Tokens.Where(t => !(t.Length > 2 && (t[0], t[^1]) is ('<', '>') or ('[', ']')) && !t.StartsWith("##", StringComparison.Ordinal));
        if (examples.Count == 1) return Words(examples[0]).ElementAtOrDefault(1) ?? Words(examples[0]).First(); // the tutorial's position 2
        var shared = examples.Skip(1).Aggregate(Words(examples[0]), (common, e) => common.Intersect(Words(e))).ToList();
        return shared.Count > 0 ? shared.MaxBy(w => w.Length)! : Words(examples[0]).First();
    }

    static void Print(IAnsiConsole ui, SentenceEncoding e, string focus)
    {
        static string First3(ReadOnlySpan<float> v) => string.Join(", ", v[..3].ToArray().Select(x => x.ToString("F4", CultureInfo.InvariantCulture)));
        ui.MarkupLine($"tokens: [blue]{Markup.Escape(string.Join(' ', e.Tokens))}[/]");
        ui.WriteLine($"encodings: (1, {e.Tokens.Length}, {e.Hidden}); {e.Tokens[0]} encoding: (1, {e.Hidden})");
        int at = e.IndexOf(focus);
        if (at >= 0) ui.WriteLine($"\"{e.Tokens[at]}\" encoding[:3]: [{First3(e.Row(at))}]");
        ui.WriteLine($"sentence embedding (mean of {e.Tokens.Length} token encodings, unit length)[:3]: [{First3(e.Embedding)}]");
    }
}

/// <summary>What <c>bert encode --json</c> prints: <c>cosine</c> of the word, <c>sentence_cosine</c> of the embeddings (both null without --compare).</summary>
sealed record EncodeReport(string Word, double? Cosine, double? SentenceCosine, EncodedExample[] Examples);

sealed record EncodedExample(string[] Tokens, float[][] Encodings, float[] Embedding);
