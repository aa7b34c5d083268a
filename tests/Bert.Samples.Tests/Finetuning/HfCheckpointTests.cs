using Bert.Runtime;
using Bert.Runtime.Checkpoints;
using Bert.Runtime.Data.Mrpc;
using Bert.Samples.Finetuning;

namespace Bert.Samples.Tests.Finetuning;

/// <summary>
/// HuggingFace checkpoint import and export with the bert-tiny-shaped classifier: a hand-written checkpoint gives
/// the encodings and logits of an independent fp64 reference, our own export reads back to identical outputs, and
/// mismatched files name the tensors concerned.
/// </summary>
public sealed class HfCheckpointTests : IDisposable
{
    const int Layers = 2, Hidden = 128, Heads = 2, Ffn = 512, Positions = 512, Vocab = 30;
    const double Eps = 1e-12;

    readonly string folder = Path.Combine(Path.GetTempPath(), "bert-hf-" + Guid.NewGuid().ToString("N"));

    public HfCheckpointTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static readonly string[] VocabularyLines = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", .. Enumerable.Range(5, Vocab - 5).Select(i => $"w{i}")];

    /// <summary>Every tensor of BertForSequenceClassification at the tiny shape, random, by HuggingFace name.</summary>
    static Dictionary<string, (int[] Shape, float[] Values)> RandomWeights(int seed)
    {
        var random = new Random(seed);
        var tensors = new Dictionary<string, (int[], float[])>();
        void Add(string name, int[] shape, double center, double spread) =>
            tensors[name] = (shape, [.. Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(_ => (float)(center + spread * (2 * random.NextDouble() - 1)))]);
        void Dense(string name, int outputs, int inputs)
        {
            Add(name + ".weight", [outputs, inputs], 0, 1.5 / Math.Sqrt(inputs));
            Add(name + ".bias", [outputs], 0, 0.1);
        }
        void Norm(string name)
        {
            Add(name + ".weight", [Hidden], 1, 0.2);
            Add(name + ".bias", [Hidden], 0, 0.1);
        }
        Add("bert.embeddings.word_embeddings.weight", [Vocab, Hidden], 0, 1);
        Add("bert.embeddings.position_embeddings.weight", [Positions, Hidden], 0, 0.5);
        Add("bert.embeddings.token_type_embeddings.weight", [2, Hidden], 0, 0.5);
        Norm("bert.embeddings.LayerNorm");
        for (int l = 0; l < Layers; l++)
        {
            string p = $"bert.encoder.layer.{l}.";
            Dense(p + "attention.self.query", Hidden, Hidden);
            Dense(p + "attention.self.key", Hidden, Hidden);
            Dense(p + "attention.self.value", Hidden, Hidden);
            Dense(p + "attention.output.dense", Hidden, Hidden);
            Norm(p + "attention.output.LayerNorm");
            Dense(p + "intermediate.dense", Ffn, Hidden);
            Dense(p + "output.dense", Hidden, Ffn);
            Norm(p + "output.LayerNorm");
        }
        Dense("bert.pooler.dense", Hidden, Hidden);
        Dense("classifier", 2, Hidden);
        return tensors;
    }

    void WriteCheckpoint(IEnumerable<KeyValuePair<string, (int[] Shape, float[] Values)>> tensors, string? vocab = null)
    {
        File.WriteAllText(Path.Combine(folder, "config.json"), $$"""
            {"architectures": ["BertForSequenceClassification"], "model_type": "bert", "hidden_size": {{Hidden}},
             "num_hidden_layers": {{Layers}}, "num_attention_heads": {{Heads}}, "intermediate_size": {{Ffn}}, "hidden_act": "gelu",
             "max_position_embeddings": {{Positions}}, "type_vocab_size": 2, "vocab_size": {{Vocab}}, "layer_norm_eps": 1e-12}
            """);
        File.WriteAllLines(Path.Combine(folder, "vocab.txt"), vocab is null ? VocabularyLines : [vocab]);
        var writer = new SafeTensorsWriter();
        foreach (var (name, (shape, values)) in tensors) writer.AddFloat32(name, shape, values);
        writer.Save(Path.Combine(folder, "model.safetensors"));
    }

    /// <summary>Two pairs of different lengths, the second padded.</summary>
    static SentencePairBatch Batch() => new(2, 7,
        [2, 5, 9, 3, 17, 29, 3, /**/ 2, 11, 3, 6, 3, 0, 0],
        [0, 0, 0, 0, 1, 1, 1, /**/ 0, 0, 0, 1, 1, 0, 0],
        [7, 5], [1, 0], [0, 1]);

    [Theory]
    [InlineData(false, SentencePooling.Cls)]
    [InlineData(true, SentencePooling.Cls)]
    [InlineData(false, SentencePooling.Mean)]
    public void HandWrittenHuggingFaceCheckpointMatchesTheReferenceForward(bool bareNames, SentencePooling pooling)
    {
        var weights = RandomWeights(seed: 7);
        // BertModel saves without "bert."; the pretraining heads ride along and are ignored.
        var stored = weights.Select(w => KeyValuePair.Create(bareNames && w.Key.StartsWith("bert.") ? w.Key[5..] : w.Key, w.Value))
            .Append(KeyValuePair.Create("cls.predictions.bias", (new[] { Vocab }, new float[Vocab])));
        if (bareNames) stored = stored.Where(w => !w.Key.StartsWith("classifier."));
        WriteCheckpoint(stored);

        var (model, vocabulary, notes) = HfCheckpoint.Import(folder, seed: 0);
        using var owned = model;
        Assert.Equal("TinyBertClassifier", model.Name);
        Assert.False(vocabulary.IsWordLevel);
        if (bareNames)
        {
            // BertModel has no classifier: it keeps its initialization, with a note; use it in the reference.
            Assert.Contains(notes, n => n.Contains("classifier"));
            weights["classifier.weight"] = (weights["classifier.weight"].Shape, model.Parameters.Value("classifier.weight").ToArray());
            weights["classifier.bias"] = (weights["classifier.bias"].Shape, model.Parameters.Value("classifier.bias").ToArray());
        }
        else Assert.Empty(notes);

        Assert.Equal(SentencePooling.Cls, model.Pooling);   // a checkpoint that names no pooling: HuggingFace's
        model.Pooling = pooling;
        var batch = Batch();
        model.Load(batch);
        model.Forward(training: false, seed: 0);
        var reference = new HfBertReference(weights.ToDictionary(w => w.Key, w => w.Value.Values), Layers, Hidden, Heads, Ffn, Eps);
        for (int b = 0; b < batch.Size; b++)
        {
            int length = batch.ValidLengths[b];
            var (encodings, logits) = reference.Run(batch.TokenIds[(b * 7)..(b * 7 + 7)], batch.SegmentIds[(b * 7)..(b * 7 + 7)], length,
                meanPooling: pooling == SentencePooling.Mean);
            var compiled = model.ExampleEncodings(b);
            Assert.Equal(length * Hidden, compiled.Length);
            for (int t = 0; t < length; t++)
                for (int h = 0; h < Hidden; h++)
                    Assert.True(Math.Abs(compiled[t * Hidden + h] - encodings[t, h]) < 1e-5,
                        $"encoding [{b}, {t}, {h}]: compiled {compiled[t * Hidden + h]}, reference {encodings[t, h]}");
            for (int c = 0; c < 2; c++)
                Assert.True(Math.Abs(model.Logits[b * 2 + c] - logits[c]) < 1e-5, $"logit [{b}, {c}]: compiled {model.Logits[b * 2 + c]}, reference {logits[c]}");
        }
    }

    [Theory]
    [InlineData(SentencePooling.Cls)]
    [InlineData(SentencePooling.Mean)]
    public void ExportedCheckpointReadsBackToIdenticalOutputs(SentencePooling pooling)
    {
        WriteCheckpoint(RandomWeights(seed: 3));
        var (model, vocabulary, _) = HfCheckpoint.Import(folder, seed: 0);
        using var owned = model;
        // Change the weights, so the export holds more than what was imported; the pooling travels in config.json.
        model.Parameters.Value("classifier.bias")[1] = 0.25f;
        model.Pooling = pooling;
        var batch = Batch();
        model.Load(batch);
        model.Forward(training: false, seed: 0);
        float[] encodings = model.Encodings.ToArray(), logits = model.Logits.ToArray();

        string exported = Path.Combine(folder, "exported");
        HfCheckpoint.Export(exported, model, vocabulary, maxLen: 128);
        var (again, againVocabulary, notes) = HfCheckpoint.Import(exported, seed: 99);
        using var ownedAgain = again;
        Assert.Empty(notes);
        Assert.Equal(pooling, again.Pooling);
        Assert.Contains($"\"pooling\": \"{pooling.Name()}\"", File.ReadAllText(Path.Combine(exported, "config.json")));
        Assert.Equal(VocabularyLines, againVocabulary.Lines);
        Assert.Equal(model.Parameters.Values, again.Parameters.Values);
        again.Load(batch);
        again.Forward(training: false, seed: 0);
        Assert.Equal(encodings, again.Encodings.ToArray());
        Assert.Equal(logits, again.Logits.ToArray());
    }

    [Fact]
    public void ImportedClassifierTrainsToFitABatch()
    {
        // Backward and the parameter store are wired: Adam on the store's gradients memorizes two labelled pairs.
        WriteCheckpoint(RandomWeights(seed: 5));
        var (model, _, _) = HfCheckpoint.Import(folder, seed: 0);
        using var owned = model;
        var optimizer = Bert.Runtime.Training.AdamOptimizer.Adam(model.Parameters);
        var batch = Batch();
        model.Load(batch);
        float first = model.Forward(training: false, seed: 0), loss = first;
        for (int step = 0; step < 30; step++)
        {
            loss = model.Forward(training: true, seed: (ulong)step);
            model.Backward();
            optimizer.Update(1e-3f);
        }
        loss = model.Forward(training: false, seed: 0);
        Assert.True(loss < 0.05f && loss < first, $"loss {first} → {loss}");
    }

    [Fact]
    public void MismatchedTensorsAreNamed()
    {
        var weights = RandomWeights(seed: 1);
        weights.Remove("bert.encoder.layer.1.output.dense.weight");
        weights["bert.encoder.layer.2.output.dense.weight"] = (new[] { Hidden, Ffn }, new float[Hidden * Ffn]);
        weights["bert.pooler.dense.bias"] = (new[] { Hidden + 1 }, new float[Hidden + 1]);
        WriteCheckpoint(weights);

        var error = Assert.Throws<CheckpointMismatchException>(() => HfCheckpoint.Import(folder, seed: 0));
        Assert.Equal(["bert.encoder.layer.1.output.dense.weight"], error.Missing);
        Assert.Equal(["bert.encoder.layer.2.output.dense.weight"], error.Unexpected);
        Assert.Single(error.ShapeMismatches, m => m.StartsWith("bert.pooler.dense.bias: checkpoint [129] F32, model [128]"));
    }

    [Fact]
    public void UncompiledShapeIsAUserErrorListingTheCompiledOnes()
    {
        WriteCheckpoint(RandomWeights(seed: 1));
        string config = Path.Combine(folder, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3"));
        var error = Assert.Throws<UserError>(() => HfCheckpoint.Import(folder, seed: 0));
        Assert.Contains("3 layers", error.Message);
        Assert.Contains("TinyBertClassifier", error.Message);
        Assert.Contains("TutorialBertClassifier", error.Message);
        // The declaration to paste, with the file it goes in (the generator's registry lists it from there).
        Assert.Contains("public partial class Bert3x128Classifier : BertPairClassifier, ICompiledPairClassifier", error.Message);
        Assert.Contains("Hidden = 128, Heads = 2, FfnHidden = 512, Layers = 3, MaxPositions = 512, FfnGelu = 1;", error.Message);
        Assert.Contains("NormEps = 1E-12f;", error.Message);
        Assert.Contains("Bert.Samples/Models/BertClassifiers.cs", error.Message);
        Assert.DoesNotContain("CompiledModels.cs", error.Message);
    }

    [Fact]
    public void A_cased_folder_with_only_tokenizer_json_tokenizes_cased_and_exports_its_casing()
    {
        WriteCheckpoint(RandomWeights(seed: 2));
        string[] cased = [.. VocabularyLines.Take(Vocab - 2), "Word", "word"];
        File.Delete(Path.Combine(folder, "vocab.txt"));
        // The vocabulary as tokenizer.json lists it (order of the file is not the order of the ids).
        var entries = cased.Select((t, id) => $"\"{t}\": {id}").Reverse();
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"),
            """{"normalizer": {"type": "BertNormalizer", "lowercase": true}, "model": {"type": "WordPiece", "continuing_subword_prefix": "##", "vocab": {"""
            + string.Join(", ", entries) + "}}}");
        // tokenizer_config.json decides over tokenizer.json's normalizer, as in HuggingFace.
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), """{"do_lower_case": false, "tokenizer_class": "BertTokenizer"}""");

        var (model, vocabulary, _) = HfCheckpoint.Import(folder, seed: 0);
        using var owned = model;
        Assert.Equal(cased, vocabulary.Lines);
        Assert.False(vocabulary.LowerCase);
        Assert.Equal([Vocab - 2, Vocab - 1], vocabulary.Tokenizer.Tokenize("Word word"));
        Assert.Contains("cased WordPiece", vocabulary.Describe());

        string exported = Path.Combine(folder, "exported");
        HfCheckpoint.Export(exported, model, vocabulary, maxLen: 128);
        Assert.Contains("\"do_lower_case\": false", File.ReadAllText(Path.Combine(exported, "tokenizer_config.json")));
        Assert.Equal(cased, File.ReadAllLines(Path.Combine(exported, "vocab.txt")));
        var (again, againVocabulary, _) = HfCheckpoint.Import(exported, seed: 0);
        using var ownedAgain = again;
        Assert.False(againVocabulary.LowerCase);

        // Without tokenizer_config.json, tokenizer.json's normalizer says uncased: "Word" lower-cases to "word".
        File.Delete(Path.Combine(folder, "tokenizer_config.json"));
        var (uncased, uncasedVocabulary, _) = HfCheckpoint.Import(folder, seed: 0);
        using var ownedUncased = uncased;
        Assert.Equal([Vocab - 1, Vocab - 1], uncasedVocabulary.Tokenizer.Tokenize("Word word"));
    }

    [Theory]
    [InlineData("tokenizer_config.json", """{"do_lower_case": "yes"}""", "\"do_lower_case\" is \"yes\", not true or false")]
    [InlineData("tokenizer_config.json", "{", "is not valid JSON")]
    [InlineData("tokenizer.json", """{"model": {"type": "BPE", "vocab": {}}}""", "describes a BPE tokenizer")]
    [InlineData("tokenizer.json", """{"model": {"type": "WordPiece", "vocab": {"[PAD]": 0, "[UNK]": 5}}}""", "skip numbers")]
    public void Damaged_tokenizer_files_are_named(string file, string text, string expected)
    {
        WriteCheckpoint(RandomWeights(seed: 2));
        if (file == "tokenizer.json") File.Delete(Path.Combine(folder, "vocab.txt"));
        File.WriteAllText(Path.Combine(folder, file), text);
        var error = Assert.ThrowsAny<Exception>(() => HfCheckpoint.Import(folder, seed: 0));
        Assert.Contains(Path.Combine(folder, file), error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void PretrainingWordVocabularyMapsItsSpecialTokens()
    {
        var vocabulary = CheckpointVocabulary.FromLines(["<unk>", "<pad>", "<mask>", "<cls>", "<sep>", "the", "cat", "."], "test vocabulary");
        Assert.True(vocabulary.IsWordLevel);
        Assert.Equal((3, 4, 1, 0), (vocabulary.WordPieces.ClsId, vocabulary.WordPieces.SepId, vocabulary.WordPieces.PadId, vocabulary.WordPieces.UnkId));
        // Lower-cased, punctuation split off, whole words only.
        Assert.Equal([5, 6, 0, 7], vocabulary.Tokenizer.Tokenize("The cat sat."));
    }
}
