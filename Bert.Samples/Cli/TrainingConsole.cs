using System.Runtime.InteropServices;
using Bert.Runtime.Trainer;

namespace Bert.Samples.Cli;

/// <summary>What the training commands share: signals (Ctrl-C, kill, a scheduler's SIGTERM) that stop cleanly, and divergence exit codes.</summary>
static class TrainingConsole
{
    public const int DivergedExitCode = 3;

    /// <summary>The signals that stop a run cleanly, with the exit code of each (128 + its number, as shells report).</summary>
    static readonly (PosixSignal Signal, int ExitCode)[] StopSignals =
        [(PosixSignal.SIGINT, 130), (PosixSignal.SIGTERM, 143), (PosixSignal.SIGHUP, 129)];

    /// <summary>
    /// Runs <paramref name="body"/> with SIGINT, SIGTERM and SIGHUP turned into a cancellation request (the run
    /// finishes its step, saves a resumable checkpoint and returns; the exit code then says which signal stopped it),
    /// and a <see cref="TrainingDivergedException"/> into a red message and exit code 3. A second signal ends the
    /// process at once.
    /// </summary>
    public static int RunCancellable(Terminal terminal, Func<CancellationToken, int> body)
    {
        using var cancel = new CancellationTokenSource();
        int signalExitCode = 0;
        var registrations = StopSignals.Select(s => PosixSignalRegistration.Create(s.Signal, context =>
        {
            if (Interlocked.CompareExchange(ref signalExitCode, s.ExitCode, 0) != 0) return;   // the second one: default action
            context.Cancel = true;
            try
            {
                cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The run ended (with its own exit code) while the signal was being delivered: it is already stopping.
            }
        })).ToList();
        try
        {
            int code = body(cancel.Token);
            return cancel.IsCancellationRequested ? signalExitCode : code;
        }
        catch (TrainingDivergedException e)
        {
            terminal.WriteError($"{e.Message} {SettingOptions.DivergenceAdvice}");
            return DivergedExitCode;
        }
        finally
        {
            foreach (var registration in registrations) registration.Dispose();
        }
    }
}
