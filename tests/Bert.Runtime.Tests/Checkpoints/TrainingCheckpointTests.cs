using Bert.Runtime.Checkpoints;
using Bert.Runtime.Training;

namespace Bert.Runtime.Tests.Checkpoints;

public class TrainingCheckpointTests : IDisposable
{
    readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    static ParameterStore Model()
    {
        var store = ParameterStore.Layout([new("w", [5, 7], Initializer.Normal(0.1f), true), new("b", [7], Initializer.Zeros, false)]);
        store.Initialize(2);
        return store;
    }

    static void TrainSteps(ParameterStore store, AdamOptimizer optimizer, int from, int to)
    {
        for (int t = from; t <= to; t++)
        {
            for (int i = 0; i < store.Grads.Length; i++) store.Grads[i] = MathF.Cos(i + 3 * t);
            optimizer.Update(0.01f);
        }
    }

    [Fact]
    public void Resuming_from_a_checkpoint_matches_training_straight_through()
    {
        var straight = Model();
        TrainSteps(straight, AdamOptimizer.AdamW(straight), 1, 6);

        string path = temp.File("step4.safetensors");
        var run = Model();
        var runOptimizer = AdamOptimizer.AdamW(run);
        TrainSteps(run, runOptimizer, 1, 4);
        TrainingCheckpoint.Save(path, run, runOptimizer, new Dictionary<string, string> { ["run"] = "test" });

        var resumed = Model();
        var resumedOptimizer = AdamOptimizer.AdamW(resumed);
        var metadata = TrainingCheckpoint.Load(path, resumed, resumedOptimizer);
        Assert.Equal("test", metadata["run"]);
        Assert.Equal(4, resumedOptimizer.Step);
        TrainSteps(resumed, resumedOptimizer, 5, 6);
        Assert.Equal(straight.Values, resumed.Values);
    }

    [Fact]
    public void Weights_only_checkpoint_cannot_resume_an_optimizer()
    {
        string path = temp.File("weights.safetensors");
        TrainingCheckpoint.Save(path, Model());
        var store = ParameterStore.Layout([new("w", [5, 7], Initializer.Zeros, true), new("b", [7], Initializer.Zeros, false)]);
        TrainingCheckpoint.Load(path, store);
        Assert.Equal(Model().Values, store.Values);
        var e = Assert.Throws<CheckpointFormatException>(() => TrainingCheckpoint.Load(path, store, AdamOptimizer.AdamW(store)));
        Assert.Contains("optimizer.step", e.Message);
    }
}
