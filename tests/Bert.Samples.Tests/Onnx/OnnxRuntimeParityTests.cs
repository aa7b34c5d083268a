using Bert.Runtime.Checkpoints;
using Bert.Runtime.Data.Mrpc;
using Bert.Samples.Finetuning;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;

namespace Bert.Samples.Tests.Onnx;

/// <summary>
/// The compiled encoder against ONNX Runtime on the same file: all-MiniLM-L6-v2 imported from its ONNX export by
/// <c>bert import</c>, loaded as MiniLmL6Classifier, and ORT's last_hidden_state compared with the compiled model's
/// per-token encodings (eval mode) on sentences and sentence pairs, one at a time and as one padded batch.
/// </summary>
public sealed class OnnxRuntimeParityTests(MiniLmFixture fixture, ITestOutputHelper output) : IClassFixture<MiniLmFixture>
{
    const int Hidden = 384;
    const double Tolerance = 1e-5;

    static readonly (string A, string? B)[] Examples =
    [
        ("A crane is flying over the lake.", null),
        ("The quick brown fox jumps over the lazy dog.", null),
        ("Café naïve résumé: accents are stripped by the uncased tokenizer.", null),
        ("BERT reads text in both directions at once.", null),
        ("Transformers rely on self-attention.", null),
        ("It rained all day, so the match was postponed until Sunday.", null),
        ("Numbers like 3.14159 and 2,718 are split into pieces.", null),
        ("unbelievably", null),
        ("Hello!", null),
        ("Tokyo (東京) is the capital of Japan.", null),
        ("The stock fell 4.5 percent to $23.10 in early trading on Wall Street.", null),
        ("A man is playing a guitar on stage while the crowd sings along with every word of the chorus.", null),
        ("Dogs are loyal companions.", null),
        ("Is this the right way to the station?", null),
        ("He said he would come.", "He promised that he would be there."),
        ("The cat sat on the mat.", "A dog slept on the rug."),
        ("Revenue rose 10 percent in the third quarter.", "Third-quarter revenue was up ten percent."),
        ("How old are you?", "What is your age?"),
        ("The bank raised interest rates.", "She sat on the river bank."),
        ("Amrozi accused his brother, whom he called \"the witness\", of deliberately distorting his evidence.",
         "Referring to him as only \"the witness\", Amrozi accused his brother of deliberately distorting his evidence."),
        ("Yucaipa owned Dominick's before selling the chain to Safeway in 1998 for $2.5 billion.",
         "Yucaipa bought Dominick's in 1995 for $693 million and sold it to Safeway for $1.8 billion in 1998."),
        ("I love it.", "I hate it."),
        ("Short.", "A much longer second sentence that makes this pair the longest of the batch by a wide margin, padding the others."),
        ("One more pair for good measure.", "Yes, one more."),
    ];

    [Fact]
    public void Import_reads_the_shape_from_the_graph_and_loads_as_MiniLmL6()
    {
        Assert.True(fixture.ImportExitCode == 0, fixture.ImportError);
        Assert.Contains("6 layers, 384 hidden, 12 heads, FFN 1536 gelu, LayerNorm eps 1E-12, 512 positions", fixture.ImportOutput);
        Assert.Equal("MiniLmL6Classifier", fixture.Model!.Name);
        Assert.Contains(fixture.Notes!, n => n.Contains("classifier"));   // a BertModel export: the task head is new
        Assert.False(fixture.Vocabulary!.IsWordLevel);
    }

    [Fact]
    public void The_structural_walk_puts_every_named_initializer_where_its_name_says()
    {
        // This export keeps HuggingFace names for embeddings, biases and LayerNorms (its MatMul weights are numbered):
        // each must land, unchanged, under the name the graph's structure gave it.
        var graph = Bert.Samples.Importing.OnnxGraph.Load(fixture.OnnxPath);
        using var file = SafeTensorsFile.Open(Path.Combine(fixture.CheckpointFolder, "model.safetensors"));
        var named = graph.Initializers.Where(t => t.DataType == 1 && (t.Name.StartsWith("embeddings.") || t.Name.StartsWith("encoder.") || t.Name.StartsWith("pooler."))).ToList();
        Assert.Equal(5 + 6 * 10 + 2, named.Count);   // 3 tables + LayerNorm; per layer 6 biases + 2 LayerNorms; pooler bias and weight
        foreach (var t in named)
            Assert.True(graph.Floats(t).AsSpan().SequenceEqual(file.ReadFloats("bert." + t.Name)), $"{t.Name} was imported under another name");
        Assert.Equal(5 + 6 * 16 + 2, file.Tensors.Count);   // per layer also the 6 numbered dense weights
    }

    [Fact]
    public void The_imported_folder_imports_again_as_a_HuggingFace_folder_unchanged()
    {
        string again = Path.Combine(fixture.Folder, "again");
        var run = CliRun.Of("import", fixture.CheckpointFolder, "--out", again);
        Assert.True(run.ExitCode == 0, run.Error);
        using var first = SafeTensorsFile.Open(Path.Combine(fixture.CheckpointFolder, "model.safetensors"));
        using var second = SafeTensorsFile.Open(Path.Combine(again, "model.safetensors"));
        Assert.Equal(first.Tensors.Select(t => (t.Name, t.ShapeText)), second.Tensors.Select(t => (t.Name, t.ShapeText)));
        foreach (var t in first.Tensors) Assert.True(first.Bytes(t.Name).SequenceEqual(second.Bytes(t.Name)), t.Name);
        Assert.Equal(File.ReadAllText(Path.Combine(fixture.CheckpointFolder, "config.json")), File.ReadAllText(Path.Combine(again, "config.json")));
        Assert.Equal(File.ReadAllLines(Path.Combine(fixture.CheckpointFolder, "vocab.txt")), File.ReadAllLines(Path.Combine(again, "vocab.txt")));
    }

    [Fact]
    public void A_graph_with_fused_LayerNormalization_nodes_imports_the_same_checkpoint()
    {
        var model = Bert.Samples.Importing.Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(fixture.OnnxPath));
        Assert.Equal(1 + 2 * 6, OnnxRewrites.FuseLayerNorms(model));
        string fusedFolder = Path.Combine(fixture.Folder, "fused");
        Directory.CreateDirectory(fusedFolder);
        string fusedOnnx = Path.Combine(fusedFolder, "model.onnx");
        OnnxRewrites.Save(model, fusedOnnx);

        // The rewrite is faithful: ONNX Runtime gives the same encodings for it.
        using (var original = new InferenceSession(fixture.OnnxPath))
        using (var fused = new InferenceSession(fusedOnnx))
        {
            var example = Encode(Examples[^4]);
            var (a, b) = (Run(original, [example]), Run(fused, [example]));
            Assert.True(a.Zip(b).Max(p => Math.Abs(p.First - p.Second)) < 1e-5);
        }

        string checkpoint = Path.Combine(fixture.Folder, "fused-checkpoint");
        var run = CliRun.Of("import", fusedOnnx, "--vocab", Path.Combine(fixture.Folder, "vocab.txt"), "--out", checkpoint);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(File.ReadAllText(Path.Combine(fixture.CheckpointFolder, "config.json")), File.ReadAllText(Path.Combine(checkpoint, "config.json")));   // epsilon 1e-12 read from the attribute
        Assert.Equal(File.ReadAllBytes(Path.Combine(fixture.CheckpointFolder, "model.safetensors")), File.ReadAllBytes(Path.Combine(checkpoint, "model.safetensors")));
    }

    [Theory]
    [InlineData("relu", "This build compiled no model of this shape")]
    [InlineData("gelu_new", "No model of this build can run it")]
    public void The_feed_forward_activation_is_read_from_the_graph(string activation, string advice)
    {
        var model = Bert.Samples.Importing.Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(fixture.OnnxPath));
        Assert.Equal(6, OnnxRewrites.ReplaceGelu(model, activation == "relu" ? OnnxRewrites.Relu : OnnxRewrites.TanhGelu));
        string onnx = Path.Combine(fixture.Folder, activation + ".onnx");
        OnnxRewrites.Save(model, onnx);
        using (var session = new InferenceSession(onnx)) Assert.All(Run(session, [Encode(Examples[0])]), v => Assert.True(float.IsFinite(v)));   // a valid graph

        string checkpoint = Path.Combine(fixture.Folder, activation + "-checkpoint");
        var run = CliRun.Of("import", onnx, "--vocab", Path.Combine(fixture.Folder, "vocab.txt"), "--out", checkpoint);
        Assert.True(run.ExitCode == 0, run.Error);
        using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(checkpoint, "config.json")));
        Assert.Equal(activation, config.RootElement.GetProperty("hidden_act").GetString());
        Assert.Contains(advice, run.Out);
    }

    [Fact]
    public void Encodings_match_OnnxRuntime_one_example_at_a_time()
    {
        using var session = new InferenceSession(fixture.OnnxPath);
        double worst = 0;
        foreach (var example in Examples)
            worst = Math.Max(worst, MaxDifference(session, [Encode(example)]));
        output.WriteLine($"max abs difference over {Examples.Length} single examples: {worst:G3}");
        Assert.True(worst <= Tolerance, $"max abs difference {worst:G3} over {Examples.Length} single examples");
    }

    [Fact]
    public void Encodings_match_OnnxRuntime_in_one_padded_batch()
    {
        using var session = new InferenceSession(fixture.OnnxPath);
        double worst = MaxDifference(session, [.. Examples.Select(Encode)]);
        output.WriteLine($"max abs difference over a batch of {Examples.Length} padded examples: {worst:G3}");
        Assert.True(worst <= Tolerance, $"max abs difference {worst:G3} over a batch of {Examples.Length} padded examples");
    }

    [Theory]
    [InlineData("A man is eating food.", "A man is eating a piece of bread.")]
    [InlineData("The cat sat on the mat.", "Stock markets fell sharply on Monday.")]
    [InlineData("How old are you?", "What is your age?")]
    [InlineData("Café naïve résumé", "CAFE NAIVE RESUME")]
    public void Encode_prints_the_sentence_embeddings_and_cosine_of_OnnxRuntime_with_mean_pooling(string a, string b)
    {
        var run = CliRun.Of("encode", "--checkpoint", fixture.CheckpointFolder, a, "--compare", b, "--word", "[CLS]", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("MiniLmL6Classifier", run.Error);
        Assert.Contains("sentence embedding (mean of", run.Out);
        using var json = System.Text.Json.JsonDocument.Parse(run.LastLine);
        var printed = json.RootElement.GetProperty("examples").EnumerateArray()
            .Select(e => e.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();

        // sentence-transformers' pooling of ONNX Runtime's last_hidden_state: the mean over the attention mask, unit length.
        using var session = new InferenceSession(fixture.OnnxPath);
        float[][] reference = [.. new[] { a, b }.Select(text =>
        {
            var example = Encode((text, null));
            float[] hidden = Run(session, [example]);
            var mean = new double[Hidden];
            for (int t = 0; t < example.Tokens.Length; t++)
                for (int h = 0; h < Hidden; h++) mean[h] += hidden[t * Hidden + h] / example.Tokens.Length;
            double norm = Math.Sqrt(mean.Sum(v => v * v));
            return mean.Select(v => (float)(v / norm)).ToArray();
        })];
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(Hidden, printed[i].Length);
            double worst = printed[i].Zip(reference[i]).Max(p => Math.Abs(p.First - p.Second));
            Assert.True(worst <= Tolerance, $"embedding {i}: max abs difference {worst:G3}");
        }
        double cosine = reference[0].Zip(reference[1]).Sum(p => (double)p.First * p.Second);
        double printedCosine = json.RootElement.GetProperty("sentence_cosine").GetDouble();
        output.WriteLine($"'{a}' / '{b}': cosine {printedCosine:F6}, ONNX Runtime + pooling {cosine:F6}");
        Assert.True(Math.Abs(printedCosine - cosine) <= Tolerance, $"sentence cosine {printedCosine} vs ONNX Runtime + pooling {cosine}");
    }

    [Fact]
    public void Encode_with_a_real_model_tells_similar_sentences_from_unrelated_ones()
    {
        double Cosine(string a, string b)
        {
            var run = CliRun.Of("encode", "--checkpoint", fixture.CheckpointFolder, a, "--compare", b, "--json");
            Assert.True(run.ExitCode == 0, run.Error);
            using var json = System.Text.Json.JsonDocument.Parse(run.LastLine);
            return json.RootElement.GetProperty("sentence_cosine").GetDouble();
        }
        double similar = Cosine("A man is eating food.", "A man is eating a piece of bread.");
        double unrelated = Cosine("A man is eating food.", "The new movie is awesome.");
        Assert.True(similar > unrelated + 0.3, $"similar {similar:F3}, unrelated {unrelated:F3}");
    }

    [Fact]
    public void The_export_runs_in_OnnxRuntime_like_the_original_and_imports_back_unchanged()
    {
        string exported = Path.Combine(fixture.Folder, "exported.onnx");
        var run = CliRun.Of("export", "--checkpoint", fixture.CheckpointFolder, "--onnx", exported);
        Assert.True(run.ExitCode == 0, run.Error);
        using (var original = new InferenceSession(fixture.OnnxPath))
        using (var ours = new InferenceSession(exported))
        {
            var batch = Examples.Select(Encode).ToArray();
            float[] a = Run(original, batch), b = Run(ours, batch);
            double worst = 0;
            for (int e = 0, seq = batch.Max(x => x.Tokens.Length); e < batch.Length; e++)
                for (int i = 0; i < batch[e].Tokens.Length * Hidden; i++) worst = Math.Max(worst, Math.Abs(a[e * seq * Hidden + i] - b[e * seq * Hidden + i]));
            output.WriteLine($"exported vs original ONNX, ONNX Runtime, batch of {batch.Length}: max abs difference {worst:G3}");
            Assert.True(worst <= Tolerance, $"max abs difference {worst:G3}");
        }
        string again = Path.Combine(fixture.Folder, "exported-checkpoint");
        var import = CliRun.Of("import", exported, "--vocab", Path.Combine(fixture.Folder, "vocab.txt"), "--out", again);
        Assert.True(import.ExitCode == 0, import.Error);
        Assert.Equal(File.ReadAllBytes(Path.Combine(fixture.CheckpointFolder, "model.safetensors")), File.ReadAllBytes(Path.Combine(again, "model.safetensors")));

        var refused = CliRun.Of("export", "--checkpoint", fixture.CheckpointFolder, "--onnx", exported);   // never overwrites
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("already exists", refused.Error);
    }

    [Theory]
    [InlineData(SentencePooling.Cls)]
    [InlineData(SentencePooling.Mean)]
    public void An_exported_classifier_gives_the_compiled_logits_in_OnnxRuntime(SentencePooling pooling)
    {
        // The fixture's classifier (its head at its seeded initialization) saved as BertForSequenceClassification, then exported.
        var model = fixture.Model!;
        string tuned = Path.Combine(fixture.Folder, "classifier-" + pooling.Name());
        model.Pooling = pooling;
        try
        {
            Bert.Samples.Finetuning.HfCheckpoint.Export(tuned, model, fixture.Vocabulary!, maxLen: 128);
        }
        finally
        {
            model.Pooling = SentencePooling.Cls;
        }
        using (var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(tuned, "config.json"))))
        {
            Assert.Equal("BertForSequenceClassification", config.RootElement.GetProperty("architectures")[0].GetString());
            Assert.Equal("bert", config.RootElement.GetProperty("model_type").GetString());
            Assert.Equal(pooling.Name(), config.RootElement.GetProperty("bert_compiler").GetProperty("pooling").GetString());
        }
        Assert.Contains("\"do_lower_case\": true", File.ReadAllText(Path.Combine(tuned, "tokenizer_config.json")));
        string exported = Path.Combine(fixture.Folder, $"classifier-{pooling.Name()}.onnx");
        var run = CliRun.Of("export", "--checkpoint", tuned, "--onnx", exported);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("with its classifier", run.Out);

        var batch = Examples.Select(Encode).ToArray();
        int seq = batch.Max(e => e.Tokens.Length);
        var tokens = new int[batch.Length * seq];
        var segments = new int[batch.Length * seq];
        for (int b = 0; b < batch.Length; b++)
        {
            batch[b].Tokens.CopyTo(tokens, b * seq);
            batch[b].Segments.CopyTo(segments, b * seq);
        }
        float[] Logits(SentencePooling p)
        {
            model.Pooling = p;
            model.Load(new SentencePairBatch(batch.Length, seq, tokens, segments, [.. batch.Select(e => e.Tokens.Length)], new int[batch.Length], [.. Enumerable.Range(0, batch.Length)]));
            model.Forward(training: false, seed: 0);
            model.Pooling = SentencePooling.Cls;
            return model.Logits.ToArray();
        }
        float[] compiled = Logits(pooling);
        if (pooling == SentencePooling.Mean)   // the mean pooling is not the [CLS] one under another name
            Assert.True(compiled.Zip(Logits(SentencePooling.Cls)).Max(p => Math.Abs(p.First - p.Second)) > 1e-3);
        using var session = new InferenceSession(exported);
        var logits = Run(session, batch, "logits");
        Assert.Equal([batch.Length, 2], logits.Dimensions.ToArray());
        double worst = compiled.Zip(logits.ToArray()).Max(p => Math.Abs(p.First - p.Second));
        output.WriteLine($"exported classifier ({pooling.Name()} pooling), ONNX Runtime vs compiled logits over {batch.Length} padded examples: max abs difference {worst:G3}");
        Assert.True(worst <= Tolerance, $"max abs difference {worst:G3}");

        // bert import reads the export back as the same classifier, its pooling included.
        string again = Path.Combine(fixture.Folder, "classifier-again-" + pooling.Name());
        var import = CliRun.Of("import", exported, "--out", again);
        Assert.True(import.ExitCode == 0, import.Error);
        var (reimported, _, _) = Bert.Samples.Finetuning.HfCheckpoint.Import(again, seed: 5);
        using (reimported)
        {
            Assert.Equal(pooling, reimported.Pooling);
            Assert.Equal(model.Parameters.Value("classifier.weight").ToArray(), reimported.Parameters.Value("classifier.weight").ToArray());
            Assert.Equal(model.Parameters.Value("bert.pooler.dense.weight").ToArray(), reimported.Parameters.Value("bert.pooler.dense.weight").ToArray());
        }
    }

    /// <summary>"[CLS] a [SEP]" or "[CLS] a [SEP] b [SEP]" with segment ids, by the project's tokenizer (the same ids go to both runtimes).</summary>
    (int[] Tokens, int[] Segments) Encode((string A, string? B) example)
    {
        var words = fixture.Vocabulary!.WordPieces;
        var tokenizer = fixture.Vocabulary.Tokenizer;
        int[] a = [words.ClsId, .. tokenizer.Tokenize(example.A), words.SepId];
        int[] b = example.B is null ? [] : [.. tokenizer.Tokenize(example.B), words.SepId];
        return ([.. a, .. b], [.. a.Select(_ => 0), .. b.Select(_ => 1)]);
    }

    /// <summary>Runs <paramref name="examples"/> as one batch padded to the longest through both; the max abs difference over valid tokens.</summary>
    double MaxDifference(InferenceSession session, (int[] Tokens, int[] Segments)[] examples)
    {
        int batch = examples.Length, seq = examples.Max(e => e.Tokens.Length);
        var tokens = new int[batch * seq];
        var segments = new int[batch * seq];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < examples[b].Tokens.Length; t++)
            {
                tokens[b * seq + t] = examples[b].Tokens[t];
                segments[b * seq + t] = examples[b].Segments[t];
            }

        var model = fixture.Model!;
        model.Load(new SentencePairBatch(batch, seq, tokens, segments, [.. examples.Select(e => e.Tokens.Length)], new int[batch], [.. Enumerable.Range(0, batch)]));
        model.Forward(training: false, seed: 0);
        var reference = Run(session, examples);

        double worst = 0;
        for (int b = 0; b < batch; b++)
        {
            var compiled = model.ExampleEncodings(b);   // the valid tokens only: padding is masked out of ONNX Runtime's
            Assert.Equal(examples[b].Tokens.Length * Hidden, compiled.Length);
            for (int t = 0; t < examples[b].Tokens.Length; t++)
                for (int h = 0; h < Hidden; h++)
                    worst = Math.Max(worst, Math.Abs(compiled[t * Hidden + h] - reference[(b * seq + t) * Hidden + h]));
        }
        return worst;
    }

    /// <summary>ONNX Runtime's last_hidden_state [batch, seq, hidden] for <paramref name="examples"/> padded to the longest (attention_mask 0 on padding).</summary>
    static float[] Run(InferenceSession session, (int[] Tokens, int[] Segments)[] examples)
    {
        var hidden = Run(session, examples, "last_hidden_state");
        Assert.Equal([examples.Length, examples.Max(e => e.Tokens.Length), Hidden], hidden.Dimensions.ToArray());
        return hidden.ToArray();
    }

    /// <summary>ONNX Runtime's output <paramref name="output"/> for <paramref name="examples"/> padded to the longest.</summary>
    static Tensor<float> Run(InferenceSession session, (int[] Tokens, int[] Segments)[] examples, string output)
    {
        int batch = examples.Length, seq = examples.Max(e => e.Tokens.Length);
        var ids = new DenseTensor<long>([batch, seq]);
        var mask = new DenseTensor<long>([batch, seq]);
        var types = new DenseTensor<long>([batch, seq]);
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < examples[b].Tokens.Length; t++)
            {
                ids[b, t] = examples[b].Tokens[t];
                types[b, t] = examples[b].Segments[t];
                mask[b, t] = 1;
            }
        using var results = session.Run([
            NamedOnnxValue.CreateFromTensor("input_ids", ids),
            NamedOnnxValue.CreateFromTensor("attention_mask", mask),
            NamedOnnxValue.CreateFromTensor("token_type_ids", types),
        ]);
        return results.Single(r => r.Name == output).AsTensor<float>().Clone();
    }
}
