using System.CommandLine;
using Bert.Runtime;
using Bert.Runtime.Cuda;
using Bert.Runtime.Data.Mrpc;
using Bert.Runtime.Text;

namespace Bert.Samples.Cli;

/// <summary>
/// The CLI's error contract: a <see cref="UserError"/>, a missing CUDA library (<see cref="CudaUnavailableException"/>,
/// whose message says what to install), a missing or malformed input file (<see cref="VocabularyException"/>,
/// <see cref="MrpcDataException"/>, whose messages name the file) or a command-line parse error prints a red message and exits with
/// <see cref="ExitCode"/>; anything else is a bug and keeps its stack trace.
/// </summary>
public static class UserErrors
{
    public const int ExitCode = 2;

    /// <summary>Runs <paramref name="body"/>, turning a user error into a red message and exit code 2.</summary>
    public static int Run(Terminal terminal, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is UserError or CudaUnavailableException or VocabularyException or MrpcDataException)
        {
            terminal.WriteError(e.Message);
            return ExitCode;
        }
    }

    /// <summary>Sets <paramref name="command"/>'s action, guarded by <see cref="Run"/>.</summary>
    public static void SetGuardedAction(this Command command, Terminal terminal, Func<ParseResult, int> action) =>
        command.SetAction(parse => Run(terminal, () => action(parse)));
}
