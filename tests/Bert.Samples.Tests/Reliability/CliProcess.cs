using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Bert.Samples.Cli;

namespace Bert.Samples.Tests.Reliability;

/// <summary>
/// The bert CLI as a separate process, as a user, a scheduler or a pipe meets it: the built program beside the tests
/// run by <c>dotnet</c>, its output redirected, signals sent to its pid.
/// </summary>
sealed partial class CliProcess : IDisposable
{
    readonly Process process;
    readonly StringBuilder output = new(), error = new();

    CliProcess(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) => { lock (output) if (e.Data is not null) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (error) if (e.Data is not null) error.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static CliProcess Start(params string[] args)
    {
        string program = Path.Combine(Path.GetDirectoryName(typeof(App).Assembly.Location)!, "bert.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(program);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.Environment["TERM"] = "xterm-256color";   // a terminal type is set, yet the streams are not terminals
        start.Environment.Remove("NO_COLOR");
        return new CliProcess(Process.Start(start)!);
    }

    /// <summary>Runs to the end and returns the exit code and both streams.</summary>
    public static CliRun Run(params string[] args)
    {
        using var process = Start(args);
        return process.WaitForExit(TimeSpan.FromMinutes(3));
    }

    public string Error { get { lock (error) return error.ToString(); } }

    /// <summary>Waits until standard error contains <paramref name="text"/>; fails the test after <paramref name="timeout"/> or if the process ends first.</summary>
    public void WaitForError(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!Error.Contains(text, StringComparison.Ordinal))
        {
            if (process.HasExited)
            {
                process.WaitForExit();   // drains the redirected streams
                Assert.Fail($"the process ended (exit {process.ExitCode}) before printing '{text}': {Error}");
            }
            Assert.True(clock.Elapsed < timeout, $"no '{text}' after {timeout}: {Error}");
            Thread.Sleep(20);
        }
    }

    public bool HasExitedWithin(TimeSpan timeout) => process.WaitForExit(timeout);

    public void Signal(int number) => Assert.Equal(0, Kill(process.Id, number));

    public CliRun WaitForExit(TimeSpan timeout)
    {
        Assert.True(process.WaitForExit(timeout), $"still running after {timeout}: {Error}");
        process.WaitForExit();   // drains the redirected streams
        lock (output) return new CliRun(process.ExitCode, output.ToString(), Error);
    }

    public void Dispose()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    public const int SigHup = 1, SigInt = 2, SigTerm = 15;
}
