using Bert.Samples.Cli;

namespace Bert.Samples.Tests;

/// <summary>Runs the bert CLI in-process with captured output.</summary>
sealed record CliRun(int ExitCode, string Out, string Error)
{
    public static CliRun Of(params string[] args) => WithEnvironment(new Dictionary<string, string>(), args);

    /// <summary>Runs with <paramref name="environment"/> as the launcher's variables the command reads (RANK, WORLD_SIZE, ...) instead of the process's.</summary>
    public static CliRun WithEnvironment(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = App.Run(args, Terminal.Capture(output, error), name => environment.GetValueOrDefault(name));
        return new(code, output.ToString(), error.ToString());
    }

    /// <summary>The last non-empty line of standard output.</summary>
    public string LastLine => Out.TrimEnd().Split('\n')[^1];
}
