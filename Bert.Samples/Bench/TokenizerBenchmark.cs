using Bert.Runtime;
using Bert.Runtime.Data;
using Bert.Runtime.Data.Mrpc;
using Bert.Runtime.Text;

namespace Bert.Samples.Bench;

/// <summary>
/// <c>bench tokenizer</c>: WordPiece-tokenizes every sentence of the MRPC training file on one thread with the
/// bert-base-uncased vocabulary; the rate is input words (runs of non-whitespace) per second.
/// </summary>
sealed class TokenizerBenchmark : IBenchmark
{
    string[] sentences = [];
    long words;

    public string Name => "tokenizer";
    public string Description => "WordPiece-tokenize the MRPC training sentences on one thread (bert-base-uncased vocabulary).";

    public BenchmarkWork? Work => words == 0 ? null : new(0, words, "words");

    public Action Prepare(BenchSettings settings)
    {
        // The shared data root: the parent of --data (which names the WikiText-2 folder), else BERT_DATA_DIR.
        string? root = settings.DataOption is { } data ? Path.GetDirectoryName(Path.GetFullPath(data))
            : Environment.GetEnvironmentVariable(DataLocation.DataDirVariable);
        if (string.IsNullOrEmpty(root))
            throw new UserError($"bench tokenizer needs the shared data: pass --data DIR/wikitext-2 or set {DataLocation.DataDirVariable}.");
        var tokenizer = BertTokenizer.FromVocabularyFile(Path.Combine(root, "bert-base-uncased", "vocab.txt"));
        sentences = MrpcReader.ReadTrain(Path.Combine(root, "mrpc")).SelectMany(p => new[] { p.Sentence1, p.Sentence2 }).ToArray();
        words = sentences.Sum(s => (long)WordTokenizer.Split(s).Length);
        var ids = new List<int>();
        return () =>
        {
            foreach (string sentence in sentences)
            {
                ids.Clear();
                tokenizer.Tokenize(sentence.AsSpan(), ids);
            }
        };
    }
}
