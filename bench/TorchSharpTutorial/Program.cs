using System.Diagnostics;
using System.Text.Json;
using Bert.Runtime.Data;
using TorchSharp;
using TorchSharpTutorial;
using static TorchSharp.torch;

// The tutorial's pretraining step in TorchSharp, timed as bench/pytorch_tutorial_bert.py times PyTorch's: forward,
// losses, backward and the Adam step (the batches are the project's own WikiText-2 examples, built before the timer).
//   TorchSharpTutorial [--data DIR] [--steps N] [--threads N] [--json]
string data = "../shared/data/wikitext-2";
int steps = 20, threads = 2;
bool json = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--data": data = args[++i]; break;
        case "--steps": steps = int.Parse(args[++i]); break;
        case "--threads": threads = int.Parse(args[++i]); break;
        case "--json": json = true; break;
        default: Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: [--data DIR] [--steps N] [--threads N] [--json]"); return 2;
    }
}

torch.set_num_threads(threads);
torch.manual_seed(0);
var options = new PretrainingOptions();
var dataset = WikiText2.BuildTraining(data, options);
int vocab = dataset.Vocabulary.Count;
var model = new TutorialBertModule(vocab);
model.train();
var adam = optim.Adam(model.parameters(), lr: 1e-3);
var batches = dataset.Batches(shuffle: true, dropLast: true);

var stepSeconds = new List<double>();
float mlmLossValue = 0, nspLossValue = 0;
for (int step = 0; step < steps; step++)
{
    using var scope = NewDisposeScope();
    var batch = batches.Next();
    long size = batch.Size, length = batch.MaxLen, predictions = batch.MaxPredictions;
    var tokens = tensor(Longs(batch.Tokens), [size, length]);
    var segments = tensor(Longs(batch.Segments), [size, length]);
    var validLens = tensor(Longs(batch.ValidLens));
    var positions = batch.PredPositions.ToArray();
    var predRows = tensor(positions.Select((p, slot) => slot / predictions * length + p).ToArray());
    var mlmLabels = tensor(Longs(batch.PredLabels));
    var mlmWeights = tensor(batch.PredWeights.ToArray());
    var nspLabels = tensor(Longs(batch.NspLabels));

    long start = Stopwatch.GetTimestamp();
    adam.zero_grad();
    var (mlmLogits, nspLogits) = model.forward(tokens, segments, validLens, predRows);
    var mlmLoss = (nn.functional.cross_entropy(mlmLogits, mlmLabels, reduction: nn.Reduction.None) * mlmWeights).sum() / (mlmWeights.sum() + 1e-8);
    var nspLoss = nn.functional.cross_entropy(nspLogits, nspLabels);
    (mlmLoss + nspLoss).backward();
    adam.step();
    stepSeconds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
    mlmLossValue = mlmLoss.item<float>();   // read after the timer, as the PyTorch script reads its losses after the loop
    nspLossValue = nspLoss.item<float>();
}

int batchSize = options.BatchSize;
var sorted = stepSeconds.Order().ToList();
double median = (sorted[(sorted.Count - 1) / 2] + sorted[sorted.Count / 2]) / 2, total = stepSeconds.Sum();   // as statistics.median
Console.WriteLine($"MLM loss {mlmLossValue:F3}, NSP loss {nspLossValue:F3}");
Console.WriteLine($"{batchSize * stepSeconds.Count / total:F1} sentence pairs/sec on cpu (TorchSharp {typeof(torch).Assembly.GetName().Version}, {threads} threads)");
if (json)
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        mlm_loss = mlmLossValue, nsp_loss = nspLossValue, pairs_per_s = batchSize * stepSeconds.Count / total,
        median_step_s = median, median_pairs_per_s = batchSize / median, vocab, examples = dataset.Count, steps,
    }));
return 0;

static long[] Longs(ReadOnlySpan<int> values)
{
    var longs = new long[values.Length];
    for (int i = 0; i < values.Length; i++) longs[i] = values[i];
    return longs;
}
