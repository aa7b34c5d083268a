using Bert.Runtime.Execution;

namespace Bert.Runtime.Tests.Execution;

public class StepProfilerTests
{
    [Fact]
    public void Laps_sum_time_calls_and_operations_by_label_and_only_counted_steps_have_a_rate()
    {
        var profiler = new StepProfiler();
        profiler.Restart();
        Thread.Sleep(5);
        profiler.Lap("gemm", 2e9);
        profiler.Lap("kernel");
        Thread.Sleep(5);
        profiler.Lap("gemm", 1e9);

        var summary = profiler.Summary().ToDictionary(s => s.Label);
        Assert.Equal(2, summary["gemm"].Calls);
        Assert.Equal(3e9, summary["gemm"].Flops);
        Assert.True(summary["gemm"].Total >= TimeSpan.FromMilliseconds(10));
        Assert.Equal(3e9 / summary["gemm"].Total.TotalSeconds / 1e9, summary["gemm"].GflopsPerSecond!.Value, 1e-9);
        Assert.Equal(1, summary["kernel"].Calls);
        Assert.Null(summary["kernel"].GflopsPerSecond);
        Assert.Equal("gemm", profiler.Summary()[0].Label);   // longest first

        profiler.Clear();
        Assert.Empty(profiler.Summary());
    }
}
