using System.CommandLine;

namespace Bert.Samples.Cli;

/// <summary>The <c>bert</c> command tree. Each command lives in Cli/&lt;Name&gt;Command.cs and is registered here.</summary>
public static class App
{
    /// <param name="environment">The process's environment variables (the launcher's RANK, WORLD_SIZE, ...); tests pass their own.</param>
    public static RootCommand Build(Terminal terminal, Func<string, string?>? environment = null) =>
        new("Bert.Compiler sample: pretrain a small BERT on WikiText-2, encode sentences, fine-tune on MRPC.\n" +
            "Exit codes: 0 done; 2 bad input (the message says what to change); 3 training diverged; 70 internal error; " +
            "129/130/143 stopped by SIGHUP/SIGINT/SIGTERM after saving a resumable checkpoint.")
        {
            UserErrors.VerboseOption(),
            DataCommand.Create(terminal),
            PretrainCommand.Create(terminal, environment ?? Environment.GetEnvironmentVariable),
            EncodeCommand.Create(terminal),
            FinetuneCommand.Create(terminal),
            ImportCommand.Create(terminal),
            ExportCommand.Create(terminal),
            BenchCommand.Create(terminal),
        };

    /// <summary>Parses and runs <paramref name="args"/>; parse errors, like user errors, print in red and exit 2.</summary>
    public static int Run(string[] args, Terminal? terminal = null, Func<string, string?>? environment = null)
    {
        terminal ??= Terminal.System();
        var parse = Build(terminal, environment).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) terminal.WriteError(error.Message);
            terminal.Error.WriteLine("Run 'bert --help' or 'bert <command> --help' for usage.");
            return UserErrors.ExitCode;
        }
        // Errors are the commands' own (UserErrors): the parser's handler would print a stack trace.
        return parse.Invoke(new InvocationConfiguration { Output = terminal.Out, Error = terminal.Error, EnableDefaultExceptionHandler = false });
    }
}
