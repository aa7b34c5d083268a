using Bert.Runtime.Trainer;
using Spectre.Console;

namespace Bert.Samples.Cli;

/// <summary>What the training commands share: Ctrl-C that stops cleanly, divergence exit codes, and the progress bar.</summary>
static class TrainingConsole
{
    public const int InterruptedExitCode = 130, DivergedExitCode = 3;

    /// <summary>
    /// Runs <paramref name="body"/> with Ctrl-C turned into a cancellation request (the run finishes its step, saves
    /// and returns), and a <see cref="TrainingDivergedException"/> into a red message and exit code 3.
    /// </summary>
    public static int RunCancellable(Terminal terminal, Func<CancellationToken, int> body)
    {
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            int code = body(cancel.Token);
            return cancel.IsCancellationRequested ? InterruptedExitCode : code;
        }
        catch (TrainingDivergedException e)
        {
            terminal.WriteError(e.Message);
            return DivergedExitCode;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Shows one progress bar (description, bar, percentage, time left) on the error console while <paramref name="run"/> works.</summary>
    public static T WithProgress<T>(Terminal terminal, string firstDescription, Func<ProgressTask, T> run)
    {
        T result = default!;
        terminal.ErrorUi.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(firstDescription);
                task.IsIndeterminate = true;
                result = run(task);
            });
        return result;
    }
}
