using Bert.Runtime;
using Bert.Runtime.Text;
using WordVocabulary = Bert.Runtime.Data.Vocabulary;

namespace Bert.Samples.Finetuning;

/// <summary>
/// A checkpoint's vocabulary (vocab.txt, or tokenizer.json where there is none) as a tokenizer. A WordPiece
/// vocabulary (Google/HuggingFace: [CLS], [SEP], ... and "##" pieces) is used as is, cased or uncased as the
/// folder's tokenizer_config.json (or tokenizer.json) says. The word-level vocabulary of our <c>pretrain</c> (WikiText-2 words with the d2l
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

    CheckpointVocabulary(string[] lines, WordPieceVocabulary vocabulary, bool isWordLevel, bool lowerCase)
    {
        Lines = lines;
        Tokenizer = new BertTokenizer(vocabulary, lowerCase);
        IsWordLevel = isWordLevel;
    }

    /// <summary>The tokens as read: written back unchanged as vocab.txt when a model is saved.</summary>
    public string[] Lines { get; }
    public BertTokenizer Tokenizer { get; }
    public WordPieceVocabulary WordPieces => Tokenizer.Vocabulary;

    /// <summary>True for our pretraining's word-level vocabulary (special tokens renamed).</summary>
    public bool IsWordLevel { get; }

    /// <summary>do_lower_case: false for a cased WordPiece model.</summary>
    public bool LowerCase => Tokenizer.LowerCase;

    public string Describe() => IsWordLevel
        ? $"word-level vocabulary of {Lines.Length:N0} tokens (<cls> <sep> <pad> <unk> <mask> read as [CLS] [SEP] [PAD] [UNK] [MASK])"
        : $"{(LowerCase ? "uncased" : "cased")} WordPiece vocabulary of {Lines.Length:N0} tokens";

    /// <summary>The tokenizer_config.json saved beside vocab.txt, so that this app and HuggingFace read the casing back.</summary>
    public IReadOnlyDictionary<string, string> TokenizerConfigFile(int maxLength) =>
        new Dictionary<string, string> { [HfTokenizerFiles.ConfigFile] = HfTokenizerFiles.ConfigJson(LowerCase, maxLength) };

    /// <param name="lowerCase">do_lower_case of a WordPiece vocabulary; the word-level one is always lower-cased, as its pretraining data.</param>
    public static CheckpointVocabulary FromLines(string[] lines, string source, bool lowerCase = true)
    {
        var set = lines.ToHashSet(StringComparer.Ordinal);
        if (WordPieceVocabulary.SpecialTokens.All(set.Contains))
            return new CheckpointVocabulary(lines, new WordPieceVocabulary(lines, source), isWordLevel: false, lowerCase);
        if (SpecialTokens.All(s => set.Contains(s.Word)))
        {
            // Our pretraining writes each word once: a repeated line means the file was damaged or concatenated.
            if (set.Count != lines.Length)
            {
                string repeated = lines.GroupBy(t => t, StringComparer.Ordinal).First(g => g.Count() > 1).Key;
                throw new UserError($"{source} lists '{repeated}' more than once: the word-level vocabulary of a 'bert pretrain' checkpoint is damaged.");
            }
            var renamed = lines.Select(t => SpecialTokens.FirstOrDefault(s => s.Word == t).WordPiece ?? t).ToArray();
            return new CheckpointVocabulary(lines, new WordPieceVocabulary(renamed, source), isWordLevel: true, lowerCase: true);
        }
        throw new UserError($"{source} has neither BERT's special tokens ([PAD] [UNK] [CLS] [SEP] [MASK]) nor those of our pretraining " +
                            "(<pad> <unk> <cls> <sep> <mask>): it is not a vocabulary this app can tokenize with.");
    }

    /// <summary>The vocabulary of checkpoint folder <paramref name="folder"/> (vocab.txt or tokenizer.json, casing from tokenizer_config.json).</summary>
    public static CheckpointVocabulary LoadFolder(string folder) => From(HfTokenizerFiles.Read(folder));

    /// <summary>A vocab.txt or tokenizer.json named by the user (e.g. beside an .onnx file).</summary>
    public static CheckpointVocabulary LoadFile(string path) => From(HfTokenizerFiles.ReadFile(path));

    static CheckpointVocabulary From(HfTokenizerFiles files) => FromLines(files.Tokens, files.Source, files.LowerCase);
}
