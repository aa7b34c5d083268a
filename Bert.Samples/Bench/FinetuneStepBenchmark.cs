using Bert.Runtime;
using Bert.Runtime.Data;
using Bert.Runtime.Data.Mrpc;
using Bert.Runtime.Trainer;
using Bert.Runtime.Training;
using Bert.Samples.Finetuning;
using Bert.Samples.Models;

namespace Bert.Samples.Bench;

/// <summary>
/// <c>bench finetune</c>: one fine-tuning step (forward, backward, Adam) of the tutorial-shaped classifier
/// (<see cref="TutorialBertClassifier"/>: the pretraining model's encoder with the pooler and a 2-way head), or of the
/// compiled classifier <c>--model</c> names (e.g. BertBaseClassifier, randomly initialized), on a 32-pair MRPC batch of
/// at most 128 tokens, tokenized with the tutorial's WikiText-2 vocabulary as <c>finetune</c> does for our pretraining
/// checkpoints. Its tokens/s beside <c>bench step</c>'s compares fine-tuning with pretraining per real token on one shape.
/// With <c>--full-length</c> each pair joins several MRPC pairs' sentences, so every pair is truncated to the full 128
/// tokens: the time and peak memory of a 32 × 128 batch (MRPC's own pairs average about a third of that).
/// </summary>
sealed class FinetuneStepBenchmark : IBenchmark
{
    const int BatchSize = 32, MaxLen = 128;
    BenchmarkWork? work;

    public string Name => "finetune";
    public string Description => "One fine-tuning step (forward, backward, Adam) of the tutorial-shaped classifier (or --model's) on a 32-pair MRPC batch.";

    public BenchmarkWork? Work => work;

    public Action Prepare(BenchSettings settings)
    {
        string wikiText = settings.WikiText();
        var words = WikiText2.BuildTraining(wikiText, new PretrainingOptions()).Vocabulary;
        var vocabulary = CheckpointVocabulary.FromLines([.. words.Tokens], "the WikiText-2 vocabulary");
        var pairs = Encoded(vocabulary, MrpcFolder(wikiText), settings.FullLength);
        var batch = new SentencePairBatcher(pairs, vocabulary.WordPieces, BatchSize, seed: 0).Epoch(0).First();

        var entry = Classifier(settings.Classifier ?? nameof(TutorialBertClassifier));
        // Model and backend live as long as the process: the timed action is all the bench command keeps.
        var model = FinetuningModels.Create(entry.Shape, vocabulary.Lines.Length);
        model.Initialize(seed: 0);
        model.Profiler = settings.Profiler;
        model.UseDevice(settings.Device.Device, settings.Device.GpuOptions);
        model.Load(batch);
        var backend = TrainingBackend.For(model.Parameters, model.Gpu, new AdamSettings(DecoupledWeightDecay: false));
        var s = entry.Shape;
        double head = 2.0 * batch.Size * s.Hidden * (s.Hidden + 2);   // pooler and classifier
        work = new BenchmarkWork(3 * (BenchmarkWork.EncoderForwardFlops(s.Layers, s.Hidden, s.FfnHidden, batch.Size, batch.SequenceLength) + head),
            batch.Size, "pairs", PackedTokens.Count(batch.ValidLengths));
        ulong step = 0;
        var profiler = settings.Profiler;
        return () =>
        {
            model.Forward(training: true, seed: ++step);
            model.Backward();
            profiler?.Restart();
            backend.Update(FinetuneRecipe.Compact.LearningRate);
            profiler?.Lap("Adam update");
        };
    }

    /// <summary>The compiled classifier named <paramref name="name"/>; a user error listing them when none is.</summary>
    public static CompiledModel<ICompiledPairClassifier> Classifier(string name) =>
        CompiledModels.Classifiers.FirstOrDefault(m => m.ClassName == name)
        ?? throw new UserError($"--model {name}: no compiled classifier has that name. Compiled: {string.Join("; ", CompiledModels.Classifiers)}.");

    static EncodedSentencePairs Encoded(CheckpointVocabulary vocabulary, string folder, bool fullLength)
    {
        try
        {
            var pairs = MrpcReader.ReadTrain(folder);
            return EncodedSentencePairs.Encode(vocabulary.Tokenizer, fullLength ? Joined(pairs) : pairs, MaxLen);
        }
        catch (MrpcDataException e)
        {
            throw new UserError(e.Message + $" bench finetune reads MRPC from ${DataLocation.DataDirVariable}/mrpc, else from an mrpc/ folder beside the WikiText-2 folder.", e);
        }
    }

    /// <summary>Each pair with the sentences of the next <see cref="JoinedPairs"/> pairs appended to its own (far more than 128 tokens).</summary>
    static List<MrpcPair> Joined(IReadOnlyList<MrpcPair> pairs) =>
        [.. pairs.Select((pair, i) =>
        {
            var next = Enumerable.Range(i, JoinedPairs).Select(k => pairs[k % pairs.Count]).ToList();
            return pair with { Sentence1 = string.Join(" ", next.Select(p => p.Sentence1)), Sentence2 = string.Join(" ", next.Select(p => p.Sentence2)) };
        })];

    const int JoinedPairs = 6;

    static string MrpcFolder(string wikiText) =>
        Environment.GetEnvironmentVariable(DataLocation.DataDirVariable) is { Length: > 0 } root
            ? Path.Combine(root, "mrpc")
            : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(wikiText).TrimEnd(Path.DirectorySeparatorChar))!, "mrpc");
}
