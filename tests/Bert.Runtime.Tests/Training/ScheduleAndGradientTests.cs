using Bert.Runtime.Training;

namespace Bert.Runtime.Tests.Training;

public class ScheduleAndGradientTests
{
    [Fact]
    public void Warmup_linear_ramps_up_then_down_to_the_minimum()
    {
        var s = LearningRateSchedule.WarmupLinear(peak: 1f, warmupSteps: 10, totalSteps: 110);
        Assert.Equal(0f, s.At(0));
        Assert.Equal(0.5f, s.At(5), 6);
        Assert.Equal(1f, s.At(10), 6);
        Assert.Equal(0.5f, s.At(60), 6);
        Assert.Equal(0f, s.At(110));
        Assert.Equal(0f, s.At(500));
    }

    [Fact]
    public void Warmup_constant_ramps_up_then_holds_and_without_warmup_is_constant()
    {
        var s = LearningRateSchedule.WarmupConstant(peak: 2f, warmupSteps: 4);
        Assert.Equal(0f, s.At(0));
        Assert.Equal(1f, s.At(2), 6);
        Assert.Equal(2f, s.At(4));
        Assert.Equal(2f, s.At(1_000_000));
        Assert.Equal(2f, LearningRateSchedule.WarmupConstant(peak: 2f, warmupSteps: 0).At(0));
    }

    [Fact]
    public void Warmup_cosine_follows_a_half_cosine_to_the_minimum()
    {
        var s = LearningRateSchedule.WarmupCosine(peak: 2f, warmupSteps: 0, totalSteps: 100, minimum: 0.2f);
        Assert.Equal(2f, s.At(0), 6);
        Assert.Equal(0.2f + 1.8f * 0.5f * (1 + MathF.Cos(MathF.PI / 4)), s.At(25), 5);
        Assert.Equal(1.1f, s.At(50), 5);
        Assert.Equal(0.2f, s.At(100), 6);
        Assert.Equal(0.3f, LearningRateSchedule.Constant(0.3f).At(12345));
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.WarmupCosine(1f, 10, 5));
    }

    [Fact]
    public void Clip_scales_to_the_max_norm_only_when_above_it()
    {
        float[] g = [3f, 0f, -4f];
        Assert.Equal(5.0, GradientChecks.ClipByGlobalNorm(g, 1f), 6);
        Assert.Equal(0.6f, g[0], 5);
        Assert.Equal(-0.8f, g[2], 5);
        float[] small = [0.3f, 0.4f];
        Assert.Equal(0.5, GradientChecks.ClipByGlobalNorm(small, 1f), 6);
        Assert.Equal([0.3f, 0.4f], small);
    }

    [Fact]
    public void Global_norm_of_a_long_array_keeps_precision()
    {
        var g = new float[1_000_003];
        Array.Fill(g, 0.001f);
        double expected = Math.Sqrt(1_000_003) * (double)0.001f;
        Assert.InRange(GradientChecks.GlobalNorm(g), expected * (1 - 1e-5), expected * (1 + 1e-5));
    }

    [Fact]
    public void Non_finite_gradients_are_reported_by_parameter_name()
    {
        var store = ParameterStore.Layout([new("a", [10], Initializer.Zeros, true), new("b", [10], Initializer.Zeros, true)]);
        Assert.Null(GradientChecks.FirstNonFiniteGradient(store));
        store.Grad("b")[9] = float.PositiveInfinity;
        Assert.Equal("b", GradientChecks.FirstNonFiniteGradient(store));
        store.Grad("a")[0] = float.NaN;
        Assert.Equal("a", GradientChecks.FirstNonFiniteGradient(store));
        Assert.False(GradientChecks.AllFinite(store.Grads));
        Assert.True(double.IsNaN(GradientChecks.ClipByGlobalNorm(store.Grads, 1f)));
    }
}
