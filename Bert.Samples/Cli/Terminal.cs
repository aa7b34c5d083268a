using Spectre.Console;

namespace Bert.Samples.Cli;

/// <summary>
/// Where a command writes: <see cref="Ui"/> for people (tables, progress bars), <see cref="Out"/> for machine
/// output (one JSON line, no wrapping or colour), <see cref="ErrorUi"/> for error messages. Tests capture all three.
/// </summary>
public sealed class Terminal(IAnsiConsole ui, TextWriter output, IAnsiConsole errorUi, TextWriter error)
{
    public IAnsiConsole Ui { get; } = ui;
    public TextWriter Out { get; } = output;
    public IAnsiConsole ErrorUi { get; } = errorUi;
    public TextWriter Error { get; } = error;

    /// <summary>
    /// The process's console. A stream that is a terminal gets colour (none when NO_COLOR is set) and live progress;
    /// a redirected one (a log file, a pipe) gets plain text, unwrapped.
    /// </summary>
    public static Terminal System()
    {
        bool noColor = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        return new(ForStream(Console.Out, Console.IsOutputRedirected, noColor), Console.Out,
            ForStream(Console.Error, Console.IsErrorRedirected, noColor), Console.Error);
    }

    static IAnsiConsole ForStream(TextWriter writer, bool redirected, bool noColor) => redirected
        ? Plain(writer)
        : AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            ColorSystem = noColor ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });

    /// <summary>Plain (no colour, no animation) output into the given writers.</summary>
    public static Terminal Capture(TextWriter output, TextWriter error) =>
        new(Plain(output), output, Plain(error), error);

    /// <summary>Prints a user error in red.</summary>
    public void WriteError(string message) => ErrorUi.MarkupLine($"[red]error:[/] [red]{Markup.Escape(message)}[/]");

    /// <summary>Wide enough that no message, path or table row of this app wraps in a log.</summary>
    const int UnwrappedWidth = 1000;

    static IAnsiConsole Plain(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = UnwrappedWidth;
        return console;
    }
}
