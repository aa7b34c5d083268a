using System.Runtime.CompilerServices;

namespace Bert.Tests;

/// <summary>
/// Snapshot assertions with Verify's conventions: the expected text lives beside the test as
/// <c>Class.Method.verified.ext</c>; on a mismatch the actual text is written as <c>*.received.ext</c>
/// and the test fails with a short diff. Set <c>BERT_ACCEPT_SNAPSHOTS=1</c> to accept received text.
/// </summary>
public static class Snapshot
{
    public const string AcceptVariable = "BERT_ACCEPT_SNAPSHOTS";

    public static void Match(string actual, string name, string extension = "txt", [CallerFilePath] string testFile = "")
    {
        string dir = Path.Combine(Path.GetDirectoryName(testFile)!, "Snapshots");
        string verified = Path.Combine(dir, $"{name}.verified.{extension}");
        string received = Path.Combine(dir, $"{name}.received.{extension}");
        actual = Normalize(actual);
        string? expected = File.Exists(verified) ? Normalize(File.ReadAllText(verified)) : null;
        if (expected == actual)
        {
            if (File.Exists(received)) File.Delete(received);
            return;
        }
        Directory.CreateDirectory(dir);
        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            File.WriteAllText(verified, actual);
            if (File.Exists(received)) File.Delete(received);
            return;
        }
        File.WriteAllText(received, actual);
        string why = expected is null
            ? $"No verified snapshot {verified}; review {received} and rename it (or set {AcceptVariable}=1)."
            : $"Snapshot {name} differs: {FirstDifference(expected, actual)}\nReview {received}; accept with {AcceptVariable}=1.";
        throw new Xunit.Sdk.XunitException(why);
    }

    static string Normalize(string text) => text.Replace("\r\n", "\n").TrimEnd('\n') + "\n";

    static string FirstDifference(string expected, string actual)
    {
        string[] e = expected.Split('\n'), a = actual.Split('\n');
        for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            string el = i < e.Length ? e[i] : "<end>", al = i < a.Length ? a[i] : "<end>";
            if (el != al) return $"line {i + 1}\n  verified: {el}\n  received: {al}";
        }
        return "line endings only";
    }
}
