using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bert.Runtime.Cpu;

/// <summary>The machine's measured fp32 multiply-add limit: every thread's FMA units kept busy at the widest vector width.</summary>
/// <param name="GflopsPerSecond">Floating-point operations per second (2 per multiply-add), all threads together, in billions.</param>
/// <param name="Threads">Threads that ran the loop at once (one per logical processor).</param>
/// <param name="VectorBits">The vector width the loop ran at: 512 where <see cref="Vector512.IsHardwareAccelerated"/>, else 256.</param>
public sealed record FmaPeakResult(double GflopsPerSecond, int Threads, int VectorBits);

/// <summary>
/// Measures <see cref="FmaPeakResult"/>: one thread per logical processor runs twelve independent multiply-add chains
/// (enough to cover the latency of two FMA pipes: 4 cycles × 2 pipes plus slack), started together; the figure is the
/// best of ten trials of about 30 ms, 10 ms apart, each timed from the common start to the last thread's end (with
/// three back to back, a burst of background work — the JIT's at start-up, a neighbour on a shared host — halved the
/// figure now and then, and every GEMM read as 160 % of it). Benchmarks report their GFLOP/s
/// as a fraction of it, so figures from different machines compare.
/// </summary>
public static class FmaPeak
{
    const int Accumulators = 12;
    const long Iterations = 20_000_000;
    const int Trials = 10;

    static readonly Lazy<FmaPeakResult> measured = new(MeasureNow);

    /// <summary>The peak, measured at the first call in this process.</summary>
    public static FmaPeakResult Measured => measured.Value;

    static FmaPeakResult MeasureNow()
    {
        int threads = Environment.ProcessorCount, bits = FloatLanes.Wide ? 512 : 256;
        double flops = 2.0 * Accumulators * (bits / 32) * Iterations * threads, best = double.MaxValue;
        Run(threads, Iterations / 10); // JIT and clock ramp-up
        for (int t = 0; t < Trials; t++)
        {
            Thread.Sleep(10);
            best = Math.Min(best, Run(threads, Iterations));
        }
        return new(Math.Round(flops / best / 1e9, 1), threads, bits);
    }

    /// <summary>Seconds from the common start to the end of the last of <paramref name="threads"/> loops.</summary>
    static double Run(int threads, long iterations)
    {
        using var start = new Barrier(threads + 1);
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            Sink(FloatLanes.Wide ? Chains<Lanes512>(iterations) : Chains<Lanes256>(iterations));
        }) { IsBackground = true }).ToList();
        workers.ForEach(w => w.Start());
        start.SignalAndWait();
        long begin = Stopwatch.GetTimestamp();
        workers.ForEach(w => w.Join());
        return Stopwatch.GetElapsedTime(begin).TotalSeconds;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static void Sink(float value) => GC.KeepAlive(value);

    /// <summary>Twelve independent chains of multiply-adds on <typeparamref name="TLanes"/> vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static float Chains<TLanes>(long iterations) where TLanes : struct, IFloatLanes<TLanes>
    {
        var m = TLanes.Create(0.999999f);
        var a = TLanes.Create(1e-7f);
        TLanes c0 = m, c1 = m, c2 = m, c3 = m, c4 = m, c5 = m, c6 = m, c7 = m, c8 = m, c9 = m, c10 = m, c11 = m;
        for (long i = 0; i < iterations; i++)
        {
            c0 = TLanes.MulAdd(c0, m, a); c1 = TLanes.MulAdd(c1, m, a);
            c2 = TLanes.MulAdd(c2, m, a); c3 = TLanes.MulAdd(c3, m, a);
            c4 = TLanes.MulAdd(c4, m, a); c5 = TLanes.MulAdd(c5, m, a);
            c6 = TLanes.MulAdd(c6, m, a); c7 = TLanes.MulAdd(c7, m, a);
            c8 = TLanes.MulAdd(c8, m, a); c9 = TLanes.MulAdd(c9, m, a);
            c10 = TLanes.MulAdd(c10, m, a); c11 = TLanes.MulAdd(c11, m, a);
        }
        return TLanes.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }
}
