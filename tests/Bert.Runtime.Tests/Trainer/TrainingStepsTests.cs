using Bert.Runtime.Trainer;
using Bert.Runtime.Training;

namespace Bert.Runtime.Tests.Trainer;

/// <summary>The step loop pretraining and fine-tuning share: checks before it updates, counts, resumes.</summary>
public class TrainingStepsTests
{
    static ParameterStore Store()
    {
        var store = ParameterStore.Layout([new ParameterDeclaration("w", [8], Initializer.Normal(0.5f), false)]);
        store.Initialize(1);
        return store;
    }

    [Fact]
    public void A_step_runs_backward_then_updates_at_the_schedules_rate()
    {
        var store = Store();
        float[] before = store.Values.ToArray();
        using var backend = TrainingBackend.For(store, gpu: null, new AdamSettings(DecoupledWeightDecay: false));
        var steps = new TrainingSteps(backend, LearningRateSchedule.WarmupLinear(1e-2f, warmupSteps: 2, totalSteps: 10), clipNorm: 1f);
        bool backwardRan = false;
        steps.ResumeAt(1);

        var (rate, norm) = steps.Run(() => [new LossTerm("task", 0.7f, 2)], () => { backwardRan = true; store.Grads.AsSpan().Fill(0.5f); });

        Assert.True(backwardRan);
        Assert.Equal(2, steps.Step);
        Assert.Equal(5e-3f, rate);                                  // warmup: half the peak at step 1 of 2
        Assert.Equal(Math.Sqrt(8 * 0.25), norm, 6);
        Assert.NotEqual(before, store.Values.ToArray());
        Assert.True(steps.Seconds > 0);
    }

    [Fact]
    public void A_diverged_loss_stops_the_step_before_backward_and_the_update()
    {
        var store = Store();
        float[] before = store.Values.ToArray();
        using var backend = TrainingBackend.For(store, gpu: null, new AdamSettings(DecoupledWeightDecay: false));
        var steps = new TrainingSteps(backend, LearningRateSchedule.Constant(1e-3f), clipNorm: 0f);
        steps.ResumeAt(41);

        var error = Assert.Throws<TrainingDivergedException>(() =>
            steps.Run(() => [new LossTerm("MLM", 2f, 1000), new LossTerm("NSP", float.NaN, 2)], () => Assert.Fail("backward ran")));

        Assert.Equal(42, error.Step);
        Assert.Contains("NSP", error.Message);
        Assert.Equal(41, steps.Step);
        Assert.Equal(before, store.Values.ToArray());
    }
}
