using Bert.Generators.Emit;
using Bert.Generators.Tests.Back.Support;
using Bert.Runtime.Execution;
using Bert.Tests;

namespace Bert.Generators.Tests.Back;

/// <summary>The emitted model class: its text, and a compiled run of forward and backward against reference loops.</summary>
public class CSharpModelTests
{
    internal const int Vocab = 7, Hidden = TinyModelPlan.Hidden;
    internal const float DropoutP = 0.25f;

    /// <summary>The user's half of the partial class: the dimension and hyper-parameter fields the declaration has.</summary>
    internal const string UserDeclaration = """
        namespace Tiny;

        public partial class TinyModel : Bert.Generators.Tests.Back.Support.ITinyModel
        {
            public int Vocab;
            public int Batch, Seq;
            public float Dropout = 0.25f;
        }
        """;

    /// <summary>Every generated file (CPU program, CUDA source and launch table, GPU program) with the user's half.</summary>
    static readonly Lazy<Type> ModelType = new(() =>
        InMemoryCompiler.Compile([.. ModelEmitter.Emit(TinyModelPlan.Create(), ilgpu: true).Select(f => f.Text), UserDeclaration]).GetType("Tiny.TinyModel")!);

    internal static ITinyModel CreateModel() => (ITinyModel)Activator.CreateInstance(ModelType.Value, Vocab)!;

    [Fact]
    public void Emitted_model_matches_snapshot()
    {
        Snapshot.Match(CSharpModelEmitter.Emit(TinyModelPlan.Create()), "CSharp.TinyModel", "cs");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Forward_and_backward_match_reference_loops(bool training)
    {
        const int batch = 2, seq = 3;
        const ulong seed = 11;
        using var model = CreateModel();
        model.InitializeParameters(3);
        model.Bind(batch, seq);
        int[] tokens = [1, 4, 4, 0, 6, 1];
        tokens.CopyTo(model.TokensInput);

        float loss = model.Forward(training, seed);
        model.Backward();

        var reference = new TinyModelReference(model.ParameterValues, Vocab, tokens, training ? DropoutP : 0f, seed);
        Assert.Equal(reference.Loss, loss, 1e-5);
        Assert.Equal(reference.Loss, model.Loss[0], 1e-5);
        AssertClose(reference.Z, model.Hidden.ToArray(), 1e-5);
        AssertClose(reference.Z[^Hidden..], model.LastToken.ToArray(), 1e-5);
        AssertClose(reference.Gradients, model.ParameterGradients, 1e-5);
    }

    [Fact]
    public void Rebinding_to_larger_dimensions_grows_the_arena_to_the_memory_formula()
    {
        using var model = CreateModel();
        model.Bind(1, 2);
        // 4 * (Batch * Seq + 16 * Batch * Seq + max(16 * Batch * Seq, 16 * Batch * Seq) + 16 * Batch * Seq + 1 + 16 * Batch * Seq + 16 * Batch * Seq),
        // each region starting on a multiple of 16 elements: 2 → 16, then 32, 32, 32, 1 → 16, 32, 32 elements.
        Assert.Equal(4 * (16 + 3 * 32 + 16 + 2 * 32), model.ArenaBytes);
        model.Bind(3, 4);
        // 12 → 16, then 192, 192, 192, 1 → 16, 192, 192.
        Assert.Equal(4 * (16 + 3 * 192 + 16 + 2 * 192), model.ArenaBytes);
        Assert.Equal(3 * 4, model.TokensInput.Length);
        Assert.Equal("4 * (Batch * Seq + 16 * Batch * Seq + 16 * Batch * Seq + 16 * Batch * Seq + 1 + 16 * Batch * Seq + 16 * Batch * Seq) bytes",
            (string)ModelType.Value.GetProperty("MemoryFormula")!.GetValue(null)!);
    }

    [Fact]
    public void Misuse_raises_compiled_model_exceptions_that_say_what_to_call()
    {
        using var model = CreateModel();
        var beforeBind = Assert.Throws<CompiledModelException>(() => model.Forward(false, 0));
        Assert.Contains("Bind(batch, seq)", beforeBind.Message);
        var notPositive = Assert.Throws<CompiledModelException>(() => model.Bind(0, 4));
        Assert.Contains("Batch", notPositive.Message);
        model.Bind(1, 1);
        var beforeForward = Assert.Throws<CompiledModelException>(model.Backward);
        Assert.Contains("Forward", beforeForward.Message);
        var badVocab = Assert.Throws<System.Reflection.TargetInvocationException>(() => Activator.CreateInstance(ModelType.Value, 0));
        Assert.IsType<CompiledModelException>(badVocab.InnerException);
    }

    [Fact]
    public void Initialization_is_deterministic_and_follows_each_spec()
    {
        using var a = CreateModel();
        using var b = CreateModel();
        a.InitializeParameters(5);
        b.InitializeParameters(5);
        Assert.Equal(a.ParameterValues, b.ParameterValues);
        b.InitializeParameters(6);
        Assert.NotEqual(a.ParameterValues, b.ParameterValues);
        // Layout: Table [Vocab, 16] Normal(0, 0.5), W [16, 16] Normal(0, 0.25), Bias [16] zeros.
        Assert.All(a.ParameterValues[(Vocab * Hidden + Hidden * Hidden)..], v => Assert.Equal(0f, v));
        Assert.InRange(StandardDeviation(a.ParameterValues[(Vocab * Hidden)..(Vocab * Hidden + Hidden * Hidden)]), 0.2, 0.3);
    }

    static double StandardDeviation(float[] values)
    {
        double mean = values.Average(v => (double)v);
        return Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
    }

    static void AssertClose(float[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]}, got {actual[i]}");
    }
}
