using Bert.Runtime.Cpu;

namespace Bert.Runtime.Tests.Cpu;

public class ParallelRowsTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 1)]
    [InlineData(1000, 1)]
    [InlineData(1000, 64)]
    [InlineData(100_003, 500)]
    public void Every_row_runs_exactly_once_in_chunks_of_at_least_min_chunk(int count, int minChunk)
    {
        var hits = new int[count];
        var chunkSizes = new System.Collections.Concurrent.ConcurrentBag<int>();
        ParallelRows.For(count, minChunk, (start, end) =>
        {
            chunkSizes.Add(end - start);
            for (int i = start; i < end; i++) Interlocked.Increment(ref hits[i]);
        });
        Assert.All(hits, h => Assert.Equal(1, h));
        if (chunkSizes.Count > 1) Assert.All(chunkSizes, size => Assert.True(size >= minChunk, $"chunk of {size} < {minChunk}"));
    }

    [Fact]
    public void Small_loop_runs_inline_on_the_calling_thread()
    {
        int caller = Environment.CurrentManagedThreadId, ranOn = -1;
        ParallelRows.For(10, 100, (_, _) => ranOn = Environment.CurrentManagedThreadId);
        Assert.Equal(caller, ranOn);
    }

    [Fact]
    public void Nested_loop_runs_inline_inside_the_outer_body()
    {
        var sums = new long[64];
        ParallelRows.For(64, 1, (start, end) =>
        {
            Assert.True(ParallelRows.IsInsideLoop);
            for (int i = start; i < end; i++)
            {
                int thread = Environment.CurrentManagedThreadId;
                long sum = 0;
                ParallelRows.For(1000, 1, (s, e) =>
                {
                    Assert.Equal(thread, Environment.CurrentManagedThreadId);
                    for (int j = s; j < e; j++) sum += j;
                });
                sums[i] = sum;
            }
        });
        Assert.False(ParallelRows.IsInsideLoop);
        Assert.All(sums, s => Assert.Equal(999 * 1000 / 2, s));
    }

    [Fact]
    public void Exception_in_a_range_reaches_the_caller_after_the_loop_ends()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ParallelRows.For(1000, 1, (start, end) =>
        {
            if (start <= 500 && 500 < end) throw new InvalidOperationException("row 500");
        }));
        Assert.Equal("row 500", e.Message);
    }

    [Fact]
    public void Thread_count_follows_BERT_THREADS_and_rejects_zero()
    {
        string? configured = Environment.GetEnvironmentVariable("BERT_THREADS");
        Assert.Equal(string.IsNullOrWhiteSpace(configured) ? Environment.ProcessorCount : int.Parse(configured), ParallelRows.ThreadCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => ParallelRows.ThreadCount = 0);
    }
}
