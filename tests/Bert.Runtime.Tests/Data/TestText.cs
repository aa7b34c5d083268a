using Bert.Runtime.Training;
using System.Text;
using Bert.Runtime.Data;

namespace Bert.Runtime.Tests.Data;

/// <summary>Small corpora and temporary files for the data tests.</summary>
static class TestText
{
    public static WikiTextCorpus Corpus(string text, int chunks = 1) =>
        WikiTextCorpus.Parse(Encoding.UTF8.GetBytes(text), "test.tokens", chunks);

    /// <summary>The corpus's paragraphs as word lists (decoded back from word ids).</summary>
    public static string[][][] Paragraphs(WikiTextCorpus corpus) =>
        Enumerable.Range(0, corpus.ParagraphCount).Select(p =>
            Enumerable.Range(corpus.ParagraphStarts[p], corpus.ParagraphStarts[p + 1] - corpus.ParagraphStarts[p])
                .Select(s => corpus.WordIds[corpus.SentenceStarts[s]..corpus.SentenceStarts[s + 1]]
                    .Select(w => corpus.Words[w]).ToArray())
                .ToArray())
            .ToArray();

    /// <summary>
    /// A synthetic corpus of <paramref name="paragraphs"/> lines, each of 2..6 sentences of 2..8 words; word
    /// "wN" for N in 0..49 (every word frequent), so all tokens are in the vocabulary.
    /// </summary>
    public static string Synthetic(int paragraphs, int seed = 1)
    {
        var random = new Prng((ulong)seed);
        var text = new StringBuilder();
        for (int p = 0; p < paragraphs; p++)
        {
            int sentences = 2 + random.NextInt(5);
            var line = new List<string>();
            for (int s = 0; s < sentences; s++)
                line.Add(string.Join(' ', Enumerable.Range(0, 2 + random.NextInt(7)).Select(_ => $"w{random.NextInt(50)}")));
            text.Append(' ').Append(string.Join(" . ", line)).Append(" . \n");
        }
        return text.ToString();
    }

    public sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("bert-data-test-").FullName;
        public string File(string name, byte[] content)
        {
            string path = System.IO.Path.Combine(Path, name);
            System.IO.File.WriteAllBytes(path, content);
            return path;
        }
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
