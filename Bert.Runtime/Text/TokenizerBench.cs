using System.Diagnostics;

namespace Bert.Runtime.Text;

/// <summary>Single-threaded tokenizer throughput, for the CLI's bench command.</summary>
public static class TokenizerBench
{
    const double WarmUpSeconds = 0.5;

    /// <summary>
    /// Tokenizes <paramref name="lines"/> over and over on the calling thread for at least
    /// <paramref name="minSeconds"/>, after an untimed warm-up of half a second (so that the JIT has tiered up),
    /// and returns input words per second, a word being a maximal run of non-whitespace characters.
    /// </summary>
    public static double WordsPerSecond(BertTokenizer tokenizer, IReadOnlyList<string> lines, double minSeconds = 2.0)
    {
        long wordsPerPass = lines.Sum(CountWords);
        if (wordsPerPass == 0) throw new ArgumentException("The benchmark text has no words.", nameof(lines));

        var ids = new List<int>();
        var clock = Stopwatch.StartNew();
        do TokenizeAll(tokenizer, lines, ids);
        while (clock.Elapsed.TotalSeconds < WarmUpSeconds);

        long passes = 0;
        clock.Restart();
        do
        {
            TokenizeAll(tokenizer, lines, ids);
            passes++;
        } while (clock.Elapsed.TotalSeconds < minSeconds);
        return passes * wordsPerPass / clock.Elapsed.TotalSeconds;
    }

    static void TokenizeAll(BertTokenizer tokenizer, IReadOnlyList<string> lines, List<int> ids)
    {
        foreach (string line in lines)
        {
            ids.Clear();
            tokenizer.Tokenize(line.AsSpan(), ids);
        }
    }

    static long CountWords(string line)
    {
        long words = 0;
        bool inWord = false;
        foreach (char c in line)
        {
            bool space = char.IsWhiteSpace(c);
            if (!space && !inWord) words++;
            inWord = !space;
        }
        return words;
    }
}
