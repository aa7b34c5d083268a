using System.CommandLine;
using Bert.Runtime;
using Bert.Runtime.Checkpoints;
using Bert.Runtime.Cuda;
using Bert.Runtime.Data.Mrpc;
using Bert.Runtime.Text;

namespace Bert.Samples.Cli;

/// <summary>
/// The CLI's error contract. A <see cref="UserError"/>, a missing CUDA library (<see cref="CudaUnavailableException"/>,
/// whose message says what to install), a missing or malformed input file (<see cref="VocabularyException"/>,
/// <see cref="MrpcDataException"/>, <see cref="CheckpointFormatException"/>, whose messages name the file), a file the
/// system cannot read or write (an <see cref="IOException"/> or a denied access, whose messages name the path) or a
/// command-line parse error prints one red line and exits with <see cref="ExitCode"/>. Anything else is a bug: one
/// line with the exception's message and a hint, exit <see cref="InternalErrorExitCode"/>, and the stack trace only
/// with <c>--verbose</c>.
/// </summary>
public static class UserErrors
{
    public const int ExitCode = 2, InternalErrorExitCode = 70;

    /// <summary>The option every command takes to show an internal error's stack trace.</summary>
    public static Option<bool> VerboseOption() =>
        new("--verbose") { Description = "On an internal error, print its stack trace.", Recursive = true };

    /// <summary>Runs <paramref name="body"/>, turning a user error into a red message and exit code 2, and a bug into exit 70.</summary>
    public static int Run(Terminal terminal, Func<int> body, bool verbose = false)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is UserError or CudaUnavailableException or VocabularyException or MrpcDataException
                                      or CheckpointFormatException or IOException or UnauthorizedAccessException)
        {
            terminal.WriteError(e is UserError user ? user.Describe(SettingOptions.Name) : e.Message);
            return ExitCode;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            terminal.WriteError($"internal error ({e.GetType().Name}): {e.Message}");
            terminal.Error.WriteLine(verbose ? e.ToString() : "This is a bug in bert: rerun with --verbose for the stack trace and report it with the command you ran.");
            return InternalErrorExitCode;
        }
    }

    /// <summary>Sets <paramref name="command"/>'s action, guarded by <see cref="Run"/>.</summary>
    public static void SetGuardedAction(this Command command, Terminal terminal, Func<ParseResult, int> action) =>
        command.SetAction(parse => Run(terminal, () => action(parse), parse.GetValue<bool>("--verbose")));
}
