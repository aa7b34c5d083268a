using System.Collections.Immutable;
using Bert.Generators.Emit;
using Bert.Generators.Plan;
using Bert.Generators.Tests.Back.Support;
using Bert.Generators.Tests.Front;
using Bert.Runtime.Execution;
using Bert.Runtime.Gpu;

namespace Bert.Generators.Tests.Back;

/// <summary>
/// The encoder layers run as loops (<see cref="BlockLoop"/>): each loop stands for exactly the unrolled steps it replaces;
/// the generated programs with loops do what the unrolled ones do — the CPU's bit for bit, the GPU's call for call,
/// gradient reports included — and a deeper model's generated code grows by its table rows, not by copies of a layer.
/// </summary>
public sealed class BlockLoopTests
{
    internal static ExecutionPlan Tutorial(int layers, bool fuse = true)
    {
        var sources = TestCompiler.TutorialSources();
        sources[0] = sources[0].Replace("Layers = 2,", $"Layers = {layers},", StringComparison.Ordinal);
        return Plans.Build(fuse ? sources : Plans.Unfused(sources)).Plan;
    }

    [Theory]
    [InlineData(2, true)]
    [InlineData(4, true)]
    [InlineData(4, false)]
    public void Each_loop_iteration_is_the_body_with_its_blocks_tensors_and_scalars(int layers, bool fuse)
    {
        var plan = Tutorial(layers, fuse);
        Assert.Equal([false, true], plan.Loops.Select(l => l.Backward).Order());
        foreach (var loop in plan.Loops)
        {
            var list = loop.Backward ? plan.Backward : plan.Forward;
            // Unfused, the last layer's backward lacks the gradient sum the others start with: it runs before the loop.
            Assert.Equal(loop.Backward ? Enumerable.Range(0, layers - (fuse ? 0 : 1)).Reverse() : Enumerable.Range(0, layers), loop.Blocks);
            for (int k = 0; k < loop.Blocks.Length; k++)
                for (int step = 0; step < loop.Length; step++)
                {
                    var actual = list[loop.At(k, step)];
                    Assert.Equal("Encoder" + loop.Blocks[k], actual.Block);
                    if (k == 0 && loop.FirstOwn.Contains(step)) continue;
                    Assert.Equal(PlanPrinter.Step(actual), PlanPrinter.Step(Instantiate(loop, list[loop.At(loop.Template, step)], step, k)));
                }
        }
        // The forward layers are alike; in fused backward the last layer starts from the heads' gradient alone, one step of its own.
        Assert.Empty(plan.Loops.Single(l => !l.Backward).FirstOwn);
        Assert.Equal(fuse ? 1 : 0, plan.Loops.Single(l => l.Backward).FirstOwn.Length);
    }

    /// <summary>The body step at <paramref name="step"/> with iteration <paramref name="k"/>'s tensors and scalars in place of the template's.</summary>
    static Step Instantiate(BlockLoop loop, Step body, int step, int k)
    {
        TensorRef In(TensorRef t) => loop.Tensors.SingleOrDefault(x => x.Body == t)?.ByIteration[k] ?? t;
        return body switch
        {
            KernelStep kernel => kernel with
            {
                Buffers = kernel.Buffers.ToDictionary(b => b.Key, b => In(b.Value)).ToImmutableDictionary(),
                Scalars = kernel.Scalars.ToDictionary(s => s.Key, s => loop.Scalars.SingleOrDefault(x => x.Step == step && x.Name == s.Key)?.ByIteration[k] ?? s.Value)
                    .ToImmutableDictionary(),
            },
            GemmStep gemm => gemm with { A = In(gemm.A), B = In(gemm.B), C = In(gemm.C) },
            ZeroStep zero => zero with { Tensor = In(zero.Tensor) },
            _ => body,
        };
    }

    [Fact]
    public void A_deeper_model_generates_table_rows_not_copies_of_a_layer()
    {
        static int Lines(ExecutionPlan plan) => ModelEmitter.Emit(plan, ilgpu: true).Sum(f => f.Text.Split('\n').Length);
        int two = Lines(Tutorial(2)), twelve = Lines(Tutorial(12));
        // One unrolled layer was ~600 lines of CPU and GPU program; the table and the slots are now loops too, so a deeper
        // model adds no more than a few lines (the deeper slot run's and the first and last blocks' entries, once).
        Assert.InRange(twelve - two, 0, 40);
    }

    // Six layers: Bind fills the table in its three forms (what steps evenly over every block, the run of blocks 1…4
    // whose slots step evenly, the first and last blocks' own entries) and lays out the slots with a loop.
    [Theory]
    [InlineData(2)]
    [InlineData(6)]
    public void The_cpu_program_with_loops_computes_the_unrolled_programs_bits(int layers)
    {
        using var looped = Create(Tutorial(layers));
        using var unrolled = Create(Tutorial(layers) with { Loops = [] });
        if (layers == 6)
        {
            string bind = ModelEmitter.Emit(Tutorial(layers), ilgpu: true).First().Text;
            Assert.Contains("for (int layer = 1; layer <= 4; layer++)", bind);
            Assert.Contains("for (int run = 0; run < ", bind);
        }
        foreach (var model in new[] { looped, unrolled })
        {
            model.InitializeParameters(7);
            Fill(model);
        }
        float loss = unrolled.Forward(training: true, seed: 11);
        Assert.True(float.IsFinite(loss) && loss > 0);
        Assert.Equal(loss, looped.Forward(training: true, seed: 11));
        unrolled.Backward();
        looped.Backward();
        Assert.Contains(unrolled.ParameterGradients, g => g != 0);
        Assert.Equal(unrolled.ParameterGradients, looped.ParameterGradients);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(6)]
    public void The_gpu_program_with_loops_makes_the_unrolled_programs_calls(int layers)
    {
        var plan = Tutorial(layers);
        var looped = Trace(plan);
        var unrolled = Trace(plan with { Loops = [] });
        Assert.Equal(unrolled.Count, looped.Count);
        for (int i = 0; i < looped.Count; i++) Assert.Equal(unrolled[i], looped[i]);
    }

    [Fact]
    public void Backward_on_the_gpu_reports_every_gradient_once_in_the_published_order()
    {
        var plan = Tutorial(4);
        var reported = Trace(plan).Where(c => c.StartsWith("ready ", StringComparison.Ordinal)).SelectMany(c => c[6..].Split(',').Select(int.Parse)).ToArray();
        using var model = Create(plan);
        var published = (IReadOnlyList<int>)model.GetType().GetProperty("GradientReadyOrder")!.GetValue(null)!;
        Assert.Equal(Enumerable.Range(0, plan.Params.Length), reported.Order());
        Assert.Equal(published, reported);
    }

    /// <summary>Every call a forward and backward pass make on the GPU, with arguments.</summary>
    static List<string> Trace(ExecutionPlan plan)
    {
        using var model = Create(plan);
        Fill(model);
        var gpu = new RecordingGpu();
        model.ForwardOn(gpu, training: true, seed: 3);
        model.BackwardOn(gpu);
        return gpu.Calls;
    }

    const int Vocab = 30;

    internal static ITutorialModel Create(ExecutionPlan plan)
    {
        const string implements = "namespace Bert.Samples.Models;\npartial class TutorialBert : Bert.Generators.Tests.Back.ITutorialModel { }\n";
        var assembly = InMemoryCompiler.Compile([.. ModelEmitter.Emit(plan, ilgpu: true).Select(f => f.Text), .. TestCompiler.TutorialSources(), "global using System;", implements]);
        return (ITutorialModel)Activator.CreateInstance(assembly.GetType("Bert.Samples.Models.TutorialBert")!, Vocab)!;
    }

    /// <summary>Two full sequences of four tokens, three prediction slots.</summary>
    internal static void Fill(ITutorialModel model)
    {
        model.Bind(batch: 2, seq: 4, tokens: 8, masked: 3);
        for (int i = 0; i < 8; i++)
        {
            model.TokenIdsInput[i] = (7 * i + 3) % Vocab;
            model.SegmentsInput[i] = i % 4 >= 2 ? 1 : 0;
            model.PositionIdsInput[i] = i % 4;
            model.TokenRowsInput[i] = i;
            model.PaddedRowsInput[i] = i;
        }
        for (int b = 0; b < 2; b++)
        {
            model.ValidLensInput[b] = 4;
            model.FirstRowsInput[b] = 4 * b;
            model.NspLabelsInput[b] = b;
        }
        int[] masked = [1, 2, 6];
        for (int m = 0; m < 3; m++)
        {
            model.MaskedRowsInput[m] = masked[m];
            model.MlmLabelsInput[m] = 5 + m;
            model.MlmWeightsInput[m] = 1f;
        }
    }

    /// <summary>An <see cref="IGpuTarget"/> that only writes down each call (addresses tagged by store).</summary>
    sealed class RecordingGpu : IGpuTarget
    {
        public List<string> Calls { get; } = [];

        public void Prepare(IReadOnlyList<KernelLaunch> launches, int parameterCount, long arenaBytes) => Calls.Add($"prepare {parameterCount} {arenaBytes}");
        public ulong ParameterAt(long element) => (1UL << 60) | (ulong)element;
        public ulong GradientAt(long element) => (2UL << 60) | (ulong)element;
        public ulong ArenaAt(long element) => (3UL << 60) | (ulong)element;
        public void Launch(int kernel, long work, params ReadOnlySpan<ulong> arguments) => Calls.Add($"launch {kernel} {work} {string.Join(",", arguments.ToArray())}");
        public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, ulong a, int lda, ulong b, int ldb, float beta, ulong c, int ldc) =>
            Calls.Add($"gemm {transA} {transB} {m} {n} {k} {alpha} {a} {lda} {b} {ldb} {beta} {c} {ldc}");
        public void GemmStridedBatched(bool transA, bool transB, int m, int n, int k, float alpha, ulong a, int lda, long strideA, ulong b, int ldb, long strideB,
            float beta, ulong c, int ldc, long strideC, int batchCount) =>
            Calls.Add($"batched {transA} {transB} {m} {n} {k} {alpha} {a} {lda} {strideA} {b} {ldb} {strideB} {beta} {c} {ldc} {strideC} {batchCount}");
        public void Zero(ulong address, long elements) => Calls.Add($"zero {address} {elements}");
        public void Upload<T>(ReadOnlySpan<T> source, ulong address) where T : unmanaged => Calls.Add($"upload {address} {source.Length}");
        public void Download<T>(ulong address, Span<T> destination) where T : unmanaged => Calls.Add($"download {address} {destination.Length}");
        public void GradientsReady(params ReadOnlySpan<int> parameters) => Calls.Add("ready " + string.Join(",", parameters.ToArray()));
        public void UploadParameters(ReadOnlySpan<float> values) => Calls.Add($"parameters {values.Length}");
    }
}

/// <summary>The generated surface of the tutorial model that these tests use (the in-memory compile adds it to the partial class).</summary>
public interface ITutorialModel : ICompiledGpuModel
{
    void Bind(int batch, int seq, int tokens, int masked);
    Span<int> TokenIdsInput { get; }
    Span<int> SegmentsInput { get; }
    Span<int> PositionIdsInput { get; }
    Span<int> TokenRowsInput { get; }
    Span<int> PaddedRowsInput { get; }
    Span<int> ValidLensInput { get; }
    Span<int> FirstRowsInput { get; }
    Span<int> MaskedRowsInput { get; }
    Span<int> MlmLabelsInput { get; }
    Span<float> MlmWeightsInput { get; }
    Span<int> NspLabelsInput { get; }
}
