namespace Bert.Tests;

/// <summary>Whether the suite runs in CI (CI set and not "false"/"0"), where a missing tool fails a test instead of narrowing it.</summary>
public static class CiGate
{
    public static bool InCi => Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ci && ci != "false" && ci != "0";
}
