using System.Diagnostics;
using Spectre.Console;

namespace Bert.Samples.Cli;

/// <summary>
/// The progress of a long command: on a terminal, a live Spectre progress bar; in a log (stderr redirected), a plain
/// line every tenth of the work or every <see cref="LogInterval"/>, whichever comes first, so a log shows the run is
/// alive without one line per step. <see cref="Description"/> is Spectre markup.
/// </summary>
sealed class RunProgress
{
    static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    readonly ProgressTask? bar;
    readonly IAnsiConsole? log;
    readonly Stopwatch sinceLine = Stopwatch.StartNew();
    string description;
    double value, maxValue = 100;
    int loggedTenth = -1;

    RunProgress(ProgressTask? bar, IAnsiConsole? log, string description)
    {
        this.bar = bar;
        this.log = log;
        this.description = description;
    }

    /// <summary>Runs <paramref name="run"/> with one progress display on <paramref name="terminal"/>'s error console.</summary>
    public static T Show<T>(Terminal terminal, string firstDescription, Func<RunProgress, T> run)
    {
        if (!terminal.ErrorUi.Profile.Capabilities.Interactive)
        {
            terminal.ErrorUi.MarkupLine(firstDescription);
            return run(new RunProgress(null, terminal.ErrorUi, firstDescription));
        }
        T result = default!;
        terminal.ErrorUi.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(firstDescription);
                task.IsIndeterminate = true;
                result = run(new RunProgress(task, null, firstDescription));
            });
        return result;
    }

    public string Description
    {
        get => description;
        set
        {
            description = value;
            if (bar is not null) bar.Description = value;
        }
    }

    public double MaxValue
    {
        get => maxValue;
        set
        {
            maxValue = value;
            if (bar is not null) bar.MaxValue = value;
        }
    }

    /// <summary>Starts a new phase (e.g. the evaluation): the bar's description, or in a log a line right away.</summary>
    public void BeginPhase(string newDescription)
    {
        Description = newDescription;
        if (log is not null)
        {
            log.MarkupLine(newDescription);
            sinceLine.Restart();
        }
    }

    /// <summary>False once the amount of work is known (the bar then shows a percentage).</summary>
    public bool IsIndeterminate
    {
        set
        {
            if (bar is not null) bar.IsIndeterminate = value;
        }
    }

    public double Value
    {
        get => value;
        set
        {
            this.value = value;
            if (bar is not null) bar.Value = value;
            else LogIfDue();
        }
    }

    void LogIfDue()
    {
        int tenth = maxValue > 0 ? (int)Math.Floor(10 * value / maxValue) : 0;
        if (tenth <= loggedTenth && sinceLine.Elapsed < LogInterval) return;
        loggedTenth = Math.Max(loggedTenth, tenth);
        sinceLine.Restart();
        log!.MarkupLine($"{description} ({100 * value / Math.Max(maxValue, 1):F0} %)");
    }
}
