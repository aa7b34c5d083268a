using Bert.Runtime.Trainer;
using Bert.Runtime.Training;

namespace Bert.Runtime.Tests.Trainer;

/// <summary>
/// The host <see cref="TrainingBackend"/>: the step the trainers share (norm, divergence check, clipping, Adam) must
/// be exactly the CPU arithmetic the Pretrainer ran before it existed — clip in place, then AdamOptimizer.Update.
/// </summary>
public class TrainingBackendTests
{
    static ParameterStore Store()
    {
        var store = ParameterStore.Layout([
            new ParameterDeclaration("encoder.weight", [40, 24], Initializer.Normal(0.5f), true),
            new ParameterDeclaration("encoder.LayerNorm.bias", [24], Initializer.Zeros, false)]);
        store.Initialize(3);
        return store;
    }

    static void FillGrads(ParameterStore store, float scale)
    {
        for (int i = 0; i < store.Grads.Length; i++) store.Grads[i] = MathF.Sin(i * 0.61f) * scale;
    }

    [Theory]
    [InlineData(0f, 1f)]     // no clipping
    [InlineData(1f, 10f)]    // clipped: the norm is far above 1
    [InlineData(100f, 1f)]   // threshold above the norm: nothing to clip
    public void Host_step_is_bitwise_the_clip_then_adam_it_replaces(float clipNorm, float gradientScale)
    {
        var settings = new AdamSettings(WeightDecay: 0.01f, DecoupledWeightDecay: true);
        var expected = Store();
        var expectedAdam = new AdamOptimizer(expected, settings);
        var actual = Store();
        using var backend = TrainingBackend.For(actual, gpu: null, settings);
        Assert.Equal("cpu", backend.Device);

        for (int step = 1; step <= 3; step++)
        {
            FillGrads(expected, gradientScale * step);
            FillGrads(actual, gradientScale * step);
            double expectedNorm = clipNorm > 0
                ? GradientChecks.ClipByGlobalNorm(expected.Grads, clipNorm)
                : GradientChecks.GlobalNorm(expected.Grads);
            expectedAdam.Update(1e-2f);
            double norm = backend.ApplyGradients(step, 1e-2f, clipNorm);

            Assert.Equal(expectedNorm, norm);
            Assert.Equal(expected.Values, actual.Values);
        }
        Assert.Equal(3, backend.Optimizer.Step);
        Assert.Equal(expectedAdam.ExportState().SecondMoment, backend.Optimizer.ExportState().SecondMoment);
    }

    /// <summary>Stands in for the ranks' all-reduce: replaces the gradients as averaging over ranks would.</summary>
    sealed class ScalingSynchronizer(ParameterStore store, float factor) : IGradientSynchronizer
    {
        public int Calls { get; private set; }

        public void Synchronize()
        {
            Calls++;
            foreach (ref float g in store.Grads.AsSpan()) g *= factor;
        }
    }

    [Fact]
    public void Gradient_synchronizer_runs_once_per_step_before_the_norm_and_the_update()
    {
        var settings = new AdamSettings();
        var expected = Store();
        var expectedAdam = new AdamOptimizer(expected, settings);
        var actual = Store();
        using var backend = TrainingBackend.For(actual, gpu: null, settings);
        var synchronizer = new ScalingSynchronizer(actual, 0.25f);
        backend.GradientSynchronizer = synchronizer;

        FillGrads(expected, 0.25f);
        FillGrads(actual, 1f);
        double expectedNorm = GradientChecks.GlobalNorm(expected.Grads);
        expectedAdam.Update(1e-2f);
        double norm = backend.ApplyGradients(1, 1e-2f, clipNorm: 0);

        Assert.Equal(1, synchronizer.Calls);
        Assert.Equal(expectedNorm, norm);
        Assert.Equal(expected.Values, actual.Values);
    }

    [Fact]
    public void Non_finite_gradient_stops_the_step_and_names_the_parameter()
    {
        var store = Store();
        using var backend = TrainingBackend.For(store, gpu: null, new AdamSettings());
        FillGrads(store, 1f);
        store.Grad("encoder.LayerNorm.bias")[5] = float.PositiveInfinity;
        float[] before = (float[])store.Values.Clone();

        var error = Assert.Throws<TrainingDivergedException>(() => backend.ApplyGradients(7, 1e-3f, clipNorm: 1f));
        Assert.Equal(7, error.Step);
        Assert.Contains("the gradient of encoder.LayerNorm.bias", error.Message);
        Assert.Equal(before, store.Values);
        Assert.Equal(0, backend.Optimizer.Step);
    }

    [Fact]
    public void Clip_scale_is_the_max_norm_over_the_norm_above_the_threshold_only()
    {
        Assert.Equal((float)(1.0 / (5.0 + 1e-6)), GradientChecks.ClipScale(5.0, 1f));
        Assert.Equal(1f, GradientChecks.ClipScale(0.5, 1f));
        Assert.Equal(1f, GradientChecks.ClipScale(double.NaN, 1f));
        Assert.Equal(1f, GradientChecks.ClipScale(double.PositiveInfinity, 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientChecks.ClipScale(5.0, 0f));
    }
}
