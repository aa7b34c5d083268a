namespace Bert.Runtime.Cpu;

/// <summary>
/// Dedicated threads for <see cref="ParallelRows"/> loops, each of which spins for a while after a loop before it
/// sleeps. A generated training step starts a parallel loop every few hundred microseconds; a thread-pool thread
/// woken for each took 0.6 ms on average to start on a 2-vCPU VM (610 µs over 600 loops of <c>bench step</c>), so
/// the second core joined late in every kernel and GEMM. One caller at a time borrows the workers; a loop started
/// while they are lent (tests running side by side, say) runs on the thread pool instead.
/// </summary>
internal static class LoopWorkers
{
    /// <summary>How long an idle worker spins for the next loop before it sleeps.</summary>
    const double IdleSpinMilliseconds = 2;

    static Worker[] workers = [];
    static int lent;

    /// <summary>
    /// Runs <paramref name="loop"/> on the calling thread and <paramref name="helpers"/> workers and returns true
    /// when it is done, or returns false at once when another caller has the workers.
    /// </summary>
    public static bool TryRun(ParallelLoop loop, int helpers)
    {
        if (Interlocked.CompareExchange(ref lent, 1, 0) != 0) return false;
        try
        {
            var pool = Workers(helpers);
            for (int w = 0; w < helpers; w++) pool[w].Post(loop);
            loop.Execute();
            loop.Wait();
            return true;
        }
        finally { Volatile.Write(ref lent, 0); }
    }

    // Only the borrower calls this, so growing needs no lock.
    static Worker[] Workers(int count)
    {
        if (workers.Length >= count) return workers;
        var grown = new Worker[count];
        workers.CopyTo(grown, 0);
        for (int w = workers.Length; w < count; w++) grown[w] = new Worker(w + 1);
        return workers = grown;
    }

    sealed class Worker
    {
        ParallelLoop? posted;
        int sleeping;
        readonly SemaphoreSlim wake = new(0);

        public Worker(int number) =>
            new Thread(Run) { IsBackground = true, Name = $"ParallelRows worker {number}" }.Start();

        public void Post(ParallelLoop loop)
        {
            Interlocked.Exchange(ref posted, loop);
            if (Interlocked.Exchange(ref sleeping, 0) == 1) wake.Release();
        }

        void Run()
        {
            while (true) NextLoop().Execute();
        }

        ParallelLoop NextLoop()
        {
            while (true)
            {
                var spin = new SpinBudget(SpinBudget.Ticks(IdleSpinMilliseconds));
                do
                {
                    if (Volatile.Read(ref posted) is not null && Interlocked.Exchange(ref posted, null) is { } loop) return loop;
                } while (spin.Continue());

                Interlocked.Exchange(ref sleeping, 1);
                if (Interlocked.Exchange(ref posted, null) is { } late)
                {
                    // Posted while this worker was going to sleep: if the poster saw it asleep, it released the
                    // semaphore, and that release is taken back here.
                    if (Interlocked.Exchange(ref sleeping, 0) == 0) wake.Wait();
                    return late;
                }
                wake.Wait();   // Post clears `sleeping` before it releases
            }
        }
    }
}
