namespace Bert.Runtime.Cpu;

/// <summary>Receives one half-open row range [start, end) of a parallel loop.</summary>
public delegate void RowRangeAction(int start, int end);

/// <summary>
/// A low-overhead parallel-for over row ranges for CPU kernels. The rows are cut into a few contiguous chunks
/// that the calling thread and <see cref="LoopWorkers"/> (or pool threads) take from a shared counter; small
/// loops and loops started from inside another parallel loop run inline on the calling thread (no nested fan-out).
/// The worker count is <see cref="ThreadCount"/>: the <c>BERT_THREADS</c> environment variable, or the
/// processor count.
/// </summary>
public static class ParallelRows
{
    /// <summary>Chunks per worker: enough to even out uneven rows without paying per-row scheduling.</summary>
    const int ChunksPerWorker = 4;

    [ThreadStatic] static bool insideLoop;
    static int threadCount;

    /// <summary>Worker threads a loop may use (at least 1); read from BERT_THREADS on first use, settable (a --threads option).</summary>
    public static int ThreadCount
    {
        get => threadCount > 0 ? threadCount : threadCount = ReadThreadCount();
        set => threadCount = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "at least one thread is needed");
    }

    /// <summary>True while the current thread runs the body of a parallel loop.</summary>
    public static bool IsInsideLoop
    {
        get => insideLoop;
        internal set => insideLoop = value;
    }

    /// <summary>
    /// Runs <paramref name="body"/> over [0, <paramref name="count"/>) in contiguous ranges of at least
    /// <paramref name="minChunk"/> rows (the last may be shorter); returns when every range is done and
    /// rethrows the first exception a range threw.
    /// </summary>
    public static void For(int count, int minChunk, RowRangeAction body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (count <= 0) return;
        minChunk = Math.Max(1, minChunk);
        int workers = Math.Min(ThreadCount, count / minChunk);
        if (workers <= 1 || insideLoop)
        {
            RunInline(body, 0, count);
            return;
        }
        int chunks = Math.Min(workers * ChunksPerWorker, count / minChunk);
        var loop = new ParallelLoop(count, chunks, body);
        if (LoopWorkers.TryRun(loop, workers - 1)) return;
        for (int w = 1; w < workers; w++) ThreadPool.UnsafeQueueUserWorkItem(loop, preferLocal: false);
        loop.Execute();
        loop.Wait();
    }

    static void RunInline(RowRangeAction body, int start, int end)
    {
        bool outer = insideLoop;
        insideLoop = true;
        try { body(start, end); }
        finally { insideLoop = outer; }
    }

    static int ReadThreadCount()
    {
        string? text = Environment.GetEnvironmentVariable("BERT_THREADS");
        if (string.IsNullOrWhiteSpace(text)) return Environment.ProcessorCount;
        if (int.TryParse(text, out int n) && n >= 1) return n;
        throw new ArgumentException($"BERT_THREADS must be a positive integer, got '{text}'.");
    }
}
