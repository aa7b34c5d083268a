using System.Runtime.ExceptionServices;

namespace Bert.Runtime.Cpu;

/// <summary>
/// One <see cref="ParallelRows"/> loop's shared state: the next chunk to take, the chunks still running, the first
/// error. Every thread that joins (the caller, dedicated workers or pool threads) runs <see cref="Execute"/>.
/// </summary>
internal sealed class ParallelLoop(int count, int chunks, RowRangeAction body) : IThreadPoolWorkItem
{
    /// <summary>How long the caller spins for the last chunks before it blocks (waking it costs far more).</summary>
    const double CallerSpinMilliseconds = 20;

    readonly int chunks = chunks;
    int nextChunk = -1;
    int pending = chunks;
    ExceptionDispatchInfo? error;
    readonly ManualResetEventSlim done = new(false);

    /// <summary>Takes chunks until none is left (threads that arrive late find none and return).</summary>
    public void Execute()
    {
        bool outer = ParallelRows.IsInsideLoop;
        ParallelRows.IsInsideLoop = true;
        try
        {
            int chunk;
            while ((chunk = Interlocked.Increment(ref nextChunk)) < chunks)
            {
                try
                {
                    if (error is null) body(Bound(chunk), Bound(chunk + 1));
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref error, ExceptionDispatchInfo.Capture(e), null);
                }
                if (Interlocked.Decrement(ref pending) == 0) done.Set();
            }
        }
        finally { ParallelRows.IsInsideLoop = outer; }
    }

    /// <summary>Returns when every chunk is done; rethrows the first exception a chunk threw.</summary>
    public void Wait()
    {
        var spin = new SpinBudget(SpinBudget.Ticks(CallerSpinMilliseconds));
        while (Volatile.Read(ref pending) != 0)
        {
            if (spin.Continue()) continue;
            done.Wait();
            break;
        }
        error?.Throw();
    }

    int Bound(int chunk) => (int)((long)count * chunk / chunks);
}
