using System.Collections.Concurrent;
using Bert.Runtime.Cpu;

namespace Bert.Runtime.Tests.Cpu;

/// <summary>Runs alone: these tests borrow the one set of dedicated workers and must not find it lent.</summary>
[CollectionDefinition(nameof(LoopWorkersTests), DisableParallelization = true)]
public sealed class LoopWorkersCollection;

[Collection(nameof(LoopWorkersTests))]
public class LoopWorkersTests
{
    /// <summary>A loop whose chunks each take a millisecond, so that a worker surely joins; records who ran each row.</summary>
    static ParallelLoop SlowLoop(int rows, string?[] ranOn) => new(rows, rows, (start, end) =>
    {
        Thread.Sleep(1);
        for (int i = start; i < end; i++) ranOn[i] = Thread.CurrentThread.Name ?? "caller";
    });

    [Fact]
    public void A_loop_runs_on_the_caller_and_a_dedicated_worker()
    {
        var ranOn = new string?[64];
        Assert.True(LoopWorkers.TryRun(SlowLoop(64, ranOn), helpers: 1));
        Assert.All(ranOn, name => Assert.NotNull(name));
        Assert.Contains("ParallelRows worker 1", ranOn);
    }

    [Fact]
    public void A_worker_that_went_to_sleep_wakes_for_the_next_loop()
    {
        var first = new string?[16];
        Assert.True(LoopWorkers.TryRun(SlowLoop(16, first), helpers: 1));
        Thread.Sleep(100);   // far past the idle spin: the worker now waits on its semaphore

        var second = new string?[64];
        Assert.True(LoopWorkers.TryRun(SlowLoop(64, second), helpers: 1));
        Assert.Contains("ParallelRows worker 1", second);
    }

    [Fact]
    public void While_the_workers_are_lent_another_caller_runs_its_loop_on_the_thread_pool()
    {
        bool? otherGotWorkers = null;
        var otherHits = new int[1000];
        var outer = new ParallelLoop(2, 2, (start, _) =>
        {
            if (start != 0) return;
            // Another thread, not inside this loop: it finds the workers lent.
            Task.Run(() =>
            {
                otherGotWorkers = LoopWorkers.TryRun(new ParallelLoop(4, 4, (_, _) => { }), helpers: 1);
                ParallelRows.For(otherHits.Length, 1, (s, e) =>
                {
                    for (int i = s; i < e; i++) Interlocked.Increment(ref otherHits[i]);
                });
            }).Wait();
        });
        Assert.True(LoopWorkers.TryRun(outer, helpers: 1));
        Assert.False(otherGotWorkers);
        Assert.All(otherHits, h => Assert.Equal(1, h));
    }

    [Fact]
    public void Loops_started_from_many_threads_at_once_each_run_every_row_once()
    {
        var failures = new ConcurrentBag<string>();
        Parallel.For(0, 8, caller =>
        {
            for (int repeat = 0; repeat < 50; repeat++)
            {
                var hits = new int[997];
                ParallelRows.For(hits.Length, 1, (s, e) =>
                {
                    for (int i = s; i < e; i++) Interlocked.Increment(ref hits[i]);
                });
                if (hits.Any(h => h != 1)) failures.Add($"caller {caller}, repeat {repeat}");
            }
        });
        Assert.Empty(failures);
    }

    [Fact]
    public void With_more_threads_than_processors_loops_still_run_every_row_once()
    {
        int configured = ParallelRows.ThreadCount;
        ParallelRows.ThreadCount = Environment.ProcessorCount + 1;   // workers sleep at once instead of spinning
        try
        {
            for (int repeat = 0; repeat < 20; repeat++)
            {
                var hits = new int[10_000];
                ParallelRows.For(hits.Length, 1, (s, e) =>
                {
                    for (int i = s; i < e; i++) Interlocked.Increment(ref hits[i]);
                });
                Assert.All(hits, h => Assert.Equal(1, h));
            }
        }
        finally { ParallelRows.ThreadCount = configured; }
    }
}
