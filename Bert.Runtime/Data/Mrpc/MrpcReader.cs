namespace Bert.Runtime.Data.Mrpc;

/// <summary>
/// Reads msr_paraphrase_{train,test}.txt: UTF-8 (with or without BOM), a header row, then one pair per line as
/// five tab-separated columns. Quotes are ordinary characters, so lines are split on tabs only.
/// </summary>
public static class MrpcReader
{
    public const string TrainFileName = "msr_paraphrase_train.txt";
    public const string TestFileName = "msr_paraphrase_test.txt";

    const string Header = "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String";
    const int ColumnCount = 5;
    // Enough bad lines to see a pattern without flooding the terminal.
    const int MaxReportedErrors = 10;

    public static IReadOnlyList<MrpcPair> ReadTrain(string mrpcDirectory) => Read(Path.Combine(mrpcDirectory, TrainFileName));
    public static IReadOnlyList<MrpcPair> ReadTest(string mrpcDirectory) => Read(Path.Combine(mrpcDirectory, TestFileName));

    public static IReadOnlyList<MrpcPair> Read(string path)
    {
        if (!File.Exists(path))
            throw new MrpcDataException(
                $"MRPC file '{path}' does not exist: expected the Microsoft Research Paraphrase Corpus files " +
                $"{TrainFileName} and {TestFileName} in that folder.", path, []);
        using var reader = new StreamReader(path, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Parse(reader, path);
    }

    /// <summary>Parses MRPC text; <paramref name="source"/> names it in error messages.</summary>
    public static IReadOnlyList<MrpcPair> Parse(TextReader reader, string source)
    {
        string? header = reader.ReadLine();
        if (header is null)
            throw new MrpcDataException($"MRPC file '{source}' is empty: expected the header row \"{Describe(Header)}\".", source, []);
        if (header.TrimStart('\uFEFF') != Header)
            throw new MrpcDataException(
                $"MRPC file '{source}' line 1: expected the header row \"{Describe(Header)}\", found \"{Describe(header)}\".",
                source, [1]);

        var pairs = new List<MrpcPair>();
        var errors = new List<(int Line, string Problem)>();
        int lineNumber = 1;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            string? problem = TryParseRow(line, out MrpcPair? pair);
            if (problem is null) pairs.Add(pair!);
            else errors.Add((lineNumber, problem));
        }

        if (errors.Count > 0)
        {
            var listed = errors.Take(MaxReportedErrors).Select(e => $"  line {e.Line}: {e.Problem}");
            string more = errors.Count > MaxReportedErrors ? $"\n  ... and {errors.Count - MaxReportedErrors} more" : "";
            throw new MrpcDataException(
                $"MRPC file '{source}' has {errors.Count} malformed line(s) (expected \"{Describe(Header)}\"):\n" +
                string.Join('\n', listed) + more,
                source, [.. errors.Select(e => e.Line)]);
        }
        if (pairs.Count == 0)
            throw new MrpcDataException($"MRPC file '{source}' has a header but no sentence pairs.", source, []);
        return pairs;
    }

    /// <summary>Returns null and the pair for a good row, or what is wrong with it.</summary>
    static string? TryParseRow(string line, out MrpcPair? pair)
    {
        pair = null;
        string[] columns = line.Split('\t');
        if (columns.Length != ColumnCount)
            return $"expected {ColumnCount} tab-separated columns, found {columns.Length}";
        if (columns[0] is not ("0" or "1"))
            return $"the label (Quality) must be 0 or 1, found \"{Describe(columns[0])}\"";
        string[] names = ["#1 ID", "#2 ID", "#1 String", "#2 String"];
        for (int c = 1; c < ColumnCount; c++)
            if (string.IsNullOrWhiteSpace(columns[c])) return $"the {names[c - 1]} column is empty";
        pair = new MrpcPair(columns[0][0] - '0', columns[1], columns[2], columns[3], columns[4]);
        return null;
    }

    // Tabs made visible, long text shortened, so that a message shows what the line holds.
    static string Describe(string text)
    {
        const int MaxShown = 80;
        string visible = text.Replace("\t", "\\t");
        return visible.Length <= MaxShown ? visible : visible[..MaxShown] + "...";
    }
}
