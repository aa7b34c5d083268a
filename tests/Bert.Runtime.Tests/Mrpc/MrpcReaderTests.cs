using Bert.Runtime.Data.Mrpc;
using Bert.Tests;

namespace Bert.Runtime.Tests.Mrpc;

public class MrpcReaderTests
{
    const string Header = "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String";

    [Fact]
    public void ReadsTheTrainingSplit()
    {
        var pairs = MrpcReader.ReadTrain(SharedData.Mrpc);

        Assert.Equal(4076, pairs.Count);
        Assert.Equal(2753, pairs.Count(p => p.Label == 1));
        Assert.Equal(1323, pairs.Count(p => p.Label == 0));
        // The first row, with its quotes kept as ordinary characters (the file starts with a BOM).
        Assert.Equal(new MrpcPair(1, "702876", "702977",
            "Amrozi accused his brother, whom he called \"the witness\", of deliberately distorting his evidence.",
            "Referring to him as only \"the witness\", Amrozi accused his brother of deliberately distorting his evidence."),
            pairs[0]);
    }

    [Fact]
    public void ReadsTheTestSplit()
    {
        var pairs = MrpcReader.ReadTest(SharedData.Mrpc);

        Assert.Equal(1725, pairs.Count);
        Assert.Equal(1147, pairs.Count(p => p.Label == 1));
        Assert.Equal(578, pairs.Count(p => p.Label == 0));
    }

    [Fact]
    public void KeepsQuotesAndAcceptsABom()
    {
        var pairs = Parse($"\uFEFF{Header}\n0\t1\t2\t\"He said \"\"no\"\"\t'yes\n");
        Assert.Equal(new MrpcPair(0, "1", "2", "\"He said \"\"no\"\"", "'yes"), Assert.Single(pairs));
    }

    [Fact]
    public void ReportsEveryMalformedLineWithItsNumber()
    {
        string text = $"{Header}\n1\t1\t2\ta\tb\n1\t1\t2\tonly four\n2\t1\t2\ta\tb\n0\t1\t2\ta\tb\n1\t1\t2\t\tb\n";

        var error = Assert.Throws<MrpcDataException>(() => Parse(text, "bad.tsv"));

        Assert.Equal([3, 4, 6], error.LineNumbers);
        Assert.Equal("bad.tsv", error.FilePath);
        Assert.Contains("'bad.tsv'", error.Message);
        Assert.Contains("line 3: expected 5 tab-separated columns, found 4", error.Message);
        Assert.Contains("line 4: the label (Quality) must be 0 or 1, found \"2\"", error.Message);
        Assert.Contains("line 6: the #1 String column is empty", error.Message);
    }

    [Fact]
    public void ListsAtMostTenBadLinesButCountsAll()
    {
        string text = Header + "\n" + string.Concat(Enumerable.Repeat("x\n", 12));

        var error = Assert.Throws<MrpcDataException>(() => Parse(text));

        Assert.Equal(12, error.LineNumbers.Count);
        Assert.Contains("12 malformed line(s)", error.Message);
        Assert.Contains("line 11:", error.Message);
        Assert.DoesNotContain("line 12:", error.Message);
        Assert.Contains("and 2 more", error.Message);
    }

    [Fact]
    public void RejectsAnEmptyFile()
    {
        var error = Assert.Throws<MrpcDataException>(() => Parse(""));
        Assert.Contains("is empty", error.Message);
    }

    [Fact]
    public void RejectsAHeaderWithoutPairs()
    {
        var error = Assert.Throws<MrpcDataException>(() => Parse(Header + "\n"));
        Assert.Contains("no sentence pairs", error.Message);
    }

    [Fact]
    public void RejectsAMissingHeader()
    {
        var error = Assert.Throws<MrpcDataException>(() => Parse("1\t1\t2\ta\tb\n"));
        Assert.Equal([1], error.LineNumbers);
        Assert.Contains("expected the header row", error.Message);
    }

    [Fact]
    public void RejectsAMissingFileWithItsPath()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"no-mrpc-{Guid.NewGuid():N}");

        var error = Assert.Throws<MrpcDataException>(() => MrpcReader.ReadTrain(folder));

        Assert.Contains(Path.Combine(folder, MrpcReader.TrainFileName), error.Message);
        Assert.Contains("does not exist", error.Message);
    }

    static IReadOnlyList<MrpcPair> Parse(string text, string source = "test.tsv") =>
        MrpcReader.Parse(new StringReader(text), source);
}
