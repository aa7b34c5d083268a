using Bert.Runtime.Text;
using Bert.Tests;

namespace Bert.Runtime.Tests.Text;

/// <summary>The shared bert-base-uncased vocab.txt, loaded once, plus an independent token → line-index lookup.</summary>
static class BertBaseVocabulary
{
    public static BertTokenizer Tokenizer { get; } = BertTokenizer.FromVocabularyFile(SharedData.BertBaseVocab);

    static readonly Dictionary<string, int> LineIndex = File.ReadAllLines(SharedData.BertBaseVocab)
        .Select((token, line) => (token, line))
        .ToDictionary(entry => entry.token, entry => entry.line);

    /// <summary>The id of a token as its line index in vocab.txt; fails the test when the token is not there.</summary>
    public static int IdOf(string token) =>
        LineIndex.TryGetValue(token, out int id) ? id : throw new Xunit.Sdk.XunitException($"'{token}' is not in vocab.txt");
}
