using Bert.Runtime;
using Bert.Runtime.Text;
using WordVocabulary = Bert.Runtime.Data.Vocabulary;

namespace Bert.Samples.Finetuning;

/// <summary>
/// A checkpoint's vocab.txt as a tokenizer. A WordPiece vocabulary (Google/HuggingFace: [CLS], [SEP], ... and
/// "##" pieces) is used as is. The word-level vocabulary of our <c>pretrain</c> (WikiText-2 words with the d2l
/// tokens &lt;pad&gt;, &lt;unk&gt;, &lt;cls&gt;, &lt;sep&gt;, &lt;mask&gt;) keeps its ids with those five read as [PAD], [UNK], [CLS],
/// [SEP] and [MASK]; having no "##" pieces, WordPiece then lower-cases, splits off punctuation and looks up whole
/// words, an unknown word becoming &lt;unk&gt; (WikiText-2 is lower-cased for pretraining and its punctuation is
/// split off, so MRPC text lines up with it).
/// </summary>
public sealed class CheckpointVocabulary
{
    static readonly (string Word, string WordPiece)[] SpecialTokens =
    [
        (WordVocabulary.Padding, WordPieceVocabulary.Pad), (WordVocabulary.Unknown, WordPieceVocabulary.Unk),
        (WordVocabulary.Classify, WordPieceVocabulary.Cls), (WordVocabulary.Separator, WordPieceVocabulary.Sep),
        (WordVocabulary.Mask, WordPieceVocabulary.Mask),
    ];

    CheckpointVocabulary(string[] lines, WordPieceVocabulary vocabulary, bool isWordLevel)
    {
        Lines = lines;
        Tokenizer = new BertTokenizer(vocabulary);
        IsWordLevel = isWordLevel;
    }

    /// <summary>vocab.txt as read: written back unchanged when the fine-tuned model is saved.</summary>
    public string[] Lines { get; }
    public BertTokenizer Tokenizer { get; }
    public WordPieceVocabulary WordPieces => Tokenizer.Vocabulary;

    /// <summary>True for our pretraining's word-level vocabulary (special tokens renamed).</summary>
    public bool IsWordLevel { get; }

    public string Describe() => IsWordLevel
        ? $"word-level vocabulary of {Lines.Length:N0} tokens (<cls> <sep> <pad> <unk> <mask> read as [CLS] [SEP] [PAD] [UNK] [MASK])"
        : $"WordPiece vocabulary of {Lines.Length:N0} tokens";

    public static CheckpointVocabulary FromLines(string[] lines, string source)
    {
        var set = lines.ToHashSet(StringComparer.Ordinal);
        if (WordPieceVocabulary.SpecialTokens.All(set.Contains))
            return new CheckpointVocabulary(lines, new WordPieceVocabulary(lines, source), isWordLevel: false);
        if (SpecialTokens.All(s => set.Contains(s.Word)))
        {
            // Our pretraining writes each word once: a repeated line means the file was damaged or concatenated.
            if (set.Count != lines.Length)
            {
                string repeated = lines.GroupBy(t => t, StringComparer.Ordinal).First(g => g.Count() > 1).Key;
                throw new UserError($"{source} lists '{repeated}' more than once: the word-level vocabulary of a 'bert pretrain' checkpoint is damaged.");
            }
            var renamed = lines.Select(t => SpecialTokens.FirstOrDefault(s => s.Word == t).WordPiece ?? t).ToArray();
            return new CheckpointVocabulary(lines, new WordPieceVocabulary(renamed, source), isWordLevel: true);
        }
        throw new UserError($"{source} has neither BERT's special tokens ([PAD] [UNK] [CLS] [SEP] [MASK]) nor those of our pretraining " +
                            "(<pad> <unk> <cls> <sep> <mask>): it is not a vocabulary this app can tokenize with.");
    }

    public static CheckpointVocabulary Load(string path)
    {
        if (!File.Exists(path)) throw new UserError($"Vocabulary file '{path}' does not exist: a checkpoint folder needs its vocab.txt.");
        return FromLines(File.ReadAllLines(path), $"Vocabulary file '{path}'");
    }
}
