using Bert.Runtime.Data;
using Bert.Runtime.Trainer;
using Bert.Runtime.Training;
using Bert.Samples.Models;
using Bert.Samples.Pretraining;

namespace Bert.Samples.Bench;

/// <summary>
/// <c>bench step</c>: one pretraining step of the generated tutorial model (forward, backward, Adam) on the first
/// 512×64 WikiText-2 batch, on the CPU or a GPU (<c>--device</c>). The data set is built and the batch loaded once,
/// untimed; every run is then one step with dropout on, as <see cref="Pretrainer"/> runs it (without its finiteness
/// checks and gradient norm; on a GPU the batch's upload is part of the forward pass, as in training).
/// </summary>
sealed class TrainingStepBenchmark : IBenchmark
{
    readonly PretrainingOptions options = new();
    readonly ModelConfig config = ModelConfig.Tutorial;
    int vocabulary, tokens;

    public string Name => "step";
    public string Description => "One training step (forward, backward, Adam) of the tutorial BERT on a 512×64 batch.";

    public BenchmarkWork? Work => vocabulary == 0
        ? null
        : new(3 * ForwardGemmFlops(config, vocabulary, options.BatchSize, options.MaxLen, options.MaxPredictions), options.BatchSize, "pairs", tokens);

    public Action Prepare(BenchSettings settings)
    {
        string folder = settings.WikiText();
        var dataset = WikiText2.BuildTraining(folder, options);
        vocabulary = dataset.Vocabulary.Count;
        // Model and backend live as long as the process: the timed action is all the bench command keeps.
        var model = PretrainingModels.Create(config, vocabulary, options.MaxLen);
        model.Initialize(seed: 0);
        model.Profiler = settings.Profiler;
        model.UseDevice(settings.Device.Device, settings.Device.GpuOptions);
        var batch = dataset.Batches(shuffle: false).Next();
        tokens = PackedTokens.Count(batch.ValidLens);
        model.Load(batch);
        var backend = TrainingBackend.For(model.Parameters, model.Gpu, new AdamSettings(DecoupledWeightDecay: false));
        var trainer = new TrainerOptions();
        ulong step = 0;
        var profiler = settings.Profiler;
        return () =>
        {
            model.Forward(training: true, trainer.Dropout, seed: ++step);
            model.Backward();
            profiler?.Restart();
            backend.Update(trainer.LearningRate);
            profiler?.Lap("Adam update");
        };
    }

    /// <summary>
    /// Multiply-adds ×2 of every matrix product in the forward pass, from the shapes (encoder projections, attention
    /// scores and context, feed-forward, MLM transform and decoder over the gathered rows, NSP head). Backward does
    /// two products of the same size per forward product (input and weight gradients), so a step is 3× this.
    /// These are the tutorial's products, padding included: the compiled model skips padded tokens and prediction
    /// slots, so the GFLOP/s it reports is an effective rate (the same work the tutorial's step does, per second).
    /// </summary>
    static double ForwardGemmFlops(ModelConfig c, int vocab, int batch, int seq, int predictions)
    {
        double predicted = (double)batch * predictions, h = c.Hidden;
        double mlm = 2 * predicted * h * (h + vocab);
        double nsp = 2 * batch * h * (h + 2);
        return BenchmarkWork.EncoderForwardFlops(c.Layers, c.Hidden, c.FfnHidden, batch, seq) + mlm + nsp;
    }
}
