using Bert.Runtime;
using Bert.Runtime.Data.Mrpc;
using Bert.Runtime.Trainer;
using Bert.Runtime.Training;

namespace Bert.Samples.Finetuning;

/// <summary>
/// Fine-tunes a checkpoint on MRPC: the pairs encoded with the checkpoint's vocabulary, a dev set held out of the
/// training file and scored after each epoch, length-bucketed shuffled batches, Adam with gradient clipping and
/// warmup + linear decay, then accuracy and F1 on the test file and a fine-tuned checkpoint in the same layout. The step runs on the CPU or a GPU (<see cref="FinetuneSettings.Device"/>)
/// through the same <see cref="TrainingSteps"/> loop and <see cref="TrainingBackend"/> as pretraining.
/// </summary>
public static class FinetuneRun
{
    public static FinetuneResult Run(FinetuneSettings settings, IProgress<FinetuneEvent> progress, CancellationToken cancel = default)
    {
        settings.Validate();
        var (model, vocabulary, notes) = HfCheckpoint.Import(settings.CheckpointFolder, settings.Seed);
        using var owned = model;
        if (settings.MaxLen > model.Shape.MaxPositions)
            throw new UserError($"--max-len {settings.MaxLen} exceeds the {model.Shape.MaxPositions} positions of {model.Name}.");
        CheckpointFolder.Preflight(settings.OutFolder, CheckpointFolder.EstimateBytes(model.Parameters.ParameterCount, withOptimizer: false, vocabulary.Lines.Length));
        var recipe = FinetuneRecipe.For(model.Shape);
        int epochs = settings.Epochs ?? recipe.Epochs;
        float learningRate = settings.LearningRate ?? recipe.LearningRate;
        model.Dropout = settings.Dropout;
        if (settings.Pooling is { } pooling) model.Pooling = pooling;
        model.UseDevice(settings.RunsOn.Device, settings.RunsOn.GpuOptions);
        using var backend = TrainingBackend.For(model.Parameters, model.Gpu, new AdamSettings(Epsilon: settings.AdamEpsilon, DecoupledWeightDecay: false));

        var (allTrainPairs, testPairs) = ReadMrpc(settings.DataFolder);
        var (trainPairs, devPairs) = HoldOut(allTrainPairs, settings.DevFraction);
        var train = EncodedSentencePairs.Encode(vocabulary.Tokenizer, trainPairs, settings.MaxLen);
        var dev = EncodedSentencePairs.Encode(vocabulary.Tokenizer, devPairs, settings.MaxLen);
        var test = EncodedSentencePairs.Encode(vocabulary.Tokenizer, testPairs, settings.MaxLen);
        var trainBatches = new SentencePairBatcher(train, vocabulary.WordPieces, settings.BatchSize, seed: settings.Seed);
        int totalSteps = epochs * trainBatches.BatchCount;
        if (settings.MaxSteps > 0) totalSteps = Math.Min(totalSteps, settings.MaxSteps);
        int warmupSteps = Math.Min(settings.WarmupOrDefault.StepsFor(totalSteps), totalSteps);
        progress.Report(new FinetuneEvent.Ready(model.Describe(), model.Parameters.ParameterCount, vocabulary.Describe(),
            train.Count, dev.Count, test.Count, epochs, totalSteps, learningRate, warmupSteps, model.Pooling, notes, backend.Device));

        var schedule = warmupSteps > 0
            ? LearningRateSchedule.WarmupLinear(learningRate, warmupSteps, totalSteps)
            : LearningRateSchedule.Constant(learningRate);
        var steps = new TrainingSteps(backend, schedule, settings.ClipNorm);
        var devCurve = new List<ClassificationScores>();
        int seen = 0, correct = 0;
        double lossSum = 0;
        for (int epoch = 0; epoch < epochs && steps.Step < totalSteps && !cancel.IsCancellationRequested; epoch++)
        {
            foreach (var batch in trainBatches.Epoch(epoch))
            {
                model.Load(batch);
                float loss = 0;
                steps.Run(() =>
                {
                    loss = model.Forward(training: true, StepSeeds.ForStep(settings.Seed, steps.Step));
                    return [new LossTerm("classification", loss, Classes: 2)];
                }, model.Backward);

                seen += batch.Size;
                lossSum += loss * batch.Size;
                correct += CountCorrect(model.Logits, batch.Labels);
                progress.Report(new FinetuneEvent.Stepped(steps.Step, totalSteps, epoch + 1, lossSum / seen, (double)correct / seen, seen / steps.Seconds));
                if (steps.Step == totalSteps || cancel.IsCancellationRequested) break;
            }
            if (dev.Count > 0 && !cancel.IsCancellationRequested)
            {
                devCurve.Add(Evaluate(model, new SentencePairBatcher(dev, vocabulary.WordPieces, settings.BatchSize, shuffle: false)));
                progress.Report(new FinetuneEvent.EpochEnded(epoch + 1, devCurve[^1]));
            }
        }

        progress.Report(new FinetuneEvent.Evaluating(test.Count));
        var scores = Evaluate(model, new SentencePairBatcher(test, vocabulary.WordPieces, settings.BatchSize, shuffle: false));
        backend.DownloadParameters();
        HfCheckpoint.Export(settings.OutFolder, model, vocabulary, settings.MaxLen);
        return new FinetuneResult(model.Describe(), steps.Step, (double)steps.Step / trainBatches.BatchCount, lossSum / Math.Max(seen, 1),
            (double)correct / Math.Max(seen, 1), steps.Seconds > 0 ? seen / steps.Seconds : 0, scores, devCurve, Path.GetFullPath(settings.OutFolder),
            backend.Device, model.Gpu?.Device.Name, model.Pooling);
    }

    /// <summary>Accuracy and the F1 of class 1 (paraphrase) over one pass of <paramref name="batches"/>, dropout off.</summary>
    public static ClassificationScores Evaluate(PairClassifier model, SentencePairBatcher batches)
    {
        int examples = 0, correct = 0, truePositive = 0, predictedPositive = 0, actualPositive = 0;
        foreach (var batch in batches.Epoch(0))
        {
            model.Load(batch);
            model.Forward(training: false, seed: 0);
            var logits = model.Logits;
            for (int i = 0; i < batch.Size; i++)
            {
                int predicted = Predict(logits, i), label = batch.Labels[i];
                examples++;
                if (predicted == label) correct++;
                if (predicted == 1) predictedPositive++;
                if (label == 1) actualPositive++;
                if (predicted == 1 && label == 1) truePositive++;
            }
        }
        double f1 = predictedPositive + actualPositive == 0 ? 0 : 2.0 * truePositive / (predictedPositive + actualPositive);
        return new ClassificationScores(examples, (double)correct / examples, f1);
    }

    static int Predict(ReadOnlySpan<float> logits, int row) => logits[2 * row + 1] > logits[2 * row] ? 1 : 0;

    static int CountCorrect(ReadOnlySpan<float> logits, int[] labels)
    {
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
            if (Predict(logits, i) == labels[i]) correct++;
        return correct;
    }

    /// <summary>
    /// Splits off <paramref name="fraction"/> of the training pairs as a dev set, spread evenly over the file (pair i
    /// goes to dev when ⌊(i+1)·f⌋ &gt; ⌊i·f⌋): the same split for every seed, so runs compare on the same pairs.
    /// </summary>
    public static (List<MrpcPair> Train, List<MrpcPair> Dev) HoldOut(IReadOnlyList<MrpcPair> pairs, double fraction)
    {
        var train = new List<MrpcPair>();
        var dev = new List<MrpcPair>();
        for (int i = 0; i < pairs.Count; i++)
            (Math.Floor((i + 1) * fraction) > Math.Floor(i * fraction) ? dev : train).Add(pairs[i]);
        return (train, dev);
    }

    static (IReadOnlyList<MrpcPair> Train, IReadOnlyList<MrpcPair> Test) ReadMrpc(string folder)
    {
        try
        {
            return (MrpcReader.ReadTrain(folder), MrpcReader.ReadTest(folder));
        }
        catch (MrpcDataException e)
        {
            throw new UserError(e.Message + " Pass --data with the folder holding them, or set BERT_DATA_DIR to a folder with an mrpc/ subfolder.", e);
        }
    }
}
