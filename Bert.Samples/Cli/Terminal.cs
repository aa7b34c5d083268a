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

    /// <summary>The process's console.</summary>
    public static Terminal System() => new(AnsiConsole.Console, Console.Out,
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }), Console.Error);

    /// <summary>Plain (no colour, no animation) output into the given writers.</summary>
    public static Terminal Capture(TextWriter output, TextWriter error) =>
        new(Plain(output), output, Plain(error), error);

    /// <summary>Prints a user error in red.</summary>
    public void WriteError(string message) => ErrorUi.MarkupLine($"[red]error:[/] [red]{Markup.Escape(message)}[/]");

    static IAnsiConsole Plain(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 200;
        return console;
    }
}
