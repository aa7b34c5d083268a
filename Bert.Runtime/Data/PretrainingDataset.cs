using Bert.Runtime.Training;
namespace Bert.Runtime.Data;

/// <summary>
/// MLM + NSP pretraining examples, packed: row i of every array belongs to example i.
/// Tokens/Segments are [Count × MaxLen] (padded with &lt;pad&gt; / 0); PredPositions/PredLabels/PredWeights are
/// [Count × MaxPredictions] (padding has weight 0); ValidLens and NspLabels (1 = real next sentence) are [Count].
/// </summary>
public sealed class PretrainingDataset
{
    internal readonly int[] tokens, segments, validLens, predPositions, predLabels, nspLabels;
    internal readonly float[] predWeights;

    PretrainingDataset(Vocabulary vocabulary, PretrainingOptions options, WikiTextCorpus corpus, int count)
    {
        Vocabulary = vocabulary;
        Options = options;
        Count = count;
        ParagraphCount = corpus.ParagraphCount;
        SentenceCount = corpus.SentenceCount;
        CorpusTokenCount = corpus.TokenCount;
        tokens = new int[count * MaxLen];
        segments = new int[count * MaxLen];
        validLens = new int[count];
        nspLabels = new int[count];
        predPositions = new int[count * MaxPredictions];
        predLabels = new int[count * MaxPredictions];
        predWeights = new float[count * MaxPredictions];
    }

    public Vocabulary Vocabulary { get; }
    public PretrainingOptions Options { get; }
    /// <summary>Number of examples.</summary>
    public int Count { get; }
    public int MaxLen => Options.MaxLen;
    public int MaxPredictions => Options.MaxPredictions;
    public int ParagraphCount { get; }
    public int SentenceCount { get; }
    public int CorpusTokenCount { get; }

    public ReadOnlySpan<int> Tokens => tokens;
    public ReadOnlySpan<int> Segments => segments;
    public ReadOnlySpan<int> ValidLens => validLens;
    public ReadOnlySpan<int> PredPositions => predPositions;
    public ReadOnlySpan<int> PredLabels => predLabels;
    public ReadOnlySpan<float> PredWeights => predWeights;
    public ReadOnlySpan<int> NspLabels => nspLabels;

    /// <summary>Batches of <see cref="PretrainingOptions.BatchSize"/> examples, cycling over epochs.</summary>
    /// <param name="shuffle">Shuffle the examples every epoch (seeded); false keeps dataset order (evaluation).</param>
    /// <param name="dropLast">Skip the last, smaller batch of an epoch (for fixed-shape kernels).</param>
    public PretrainingBatches Batches(bool shuffle = true, bool dropLast = false) => new(this, shuffle, dropLast);

    /// <summary>Example counts and masking/NSP fractions.</summary>
    public PretrainingStatistics Statistics() => PretrainingStatistics.Of(this);

    /// <summary>
    /// Builds the examples of <paramref name="corpus"/> with <paramref name="vocabulary"/> (the corpus's own for
    /// training, the training vocabulary for evaluation): shuffles the paragraphs, draws the NSP pairs, then packs,
    /// pads and masks the examples in parallel (each example draws from its own stream: the result does not depend
    /// on the core count).
    /// </summary>
    public static PretrainingDataset Build(WikiTextCorpus corpus, Vocabulary vocabulary, PretrainingOptions options)
    {
        options.Validate();
        int[] tokenIds = corpus.TokenIds(vocabulary);
        var pairs = NextSentencePairs.Draw(corpus, options);
        if (pairs.Count == 0)
            throw new UserError(name => $"No sentence pair of {corpus.Source} fits in max_len {options.MaxLen}; raise {name(Setting.MaxLen)}.");
        if ((long)pairs.Count * options.MaxLen > Array.MaxLength)
            throw new UserError(name => $"{pairs.Count:N0} examples of max_len {options.MaxLen} exceed one array; lower {name(Setting.MaxLen)}.");

        var dataset = new PretrainingDataset(vocabulary, options, corpus, pairs.Count);
        const int rowsPerTask = 2048;
        Parallel.For(0, (pairs.Count + rowsPerTask - 1) / rowsPerTask, task =>
        {
            int end = Math.Min(pairs.Count, (task + 1) * rowsPerTask);
            for (int i = task * rowsPerTask; i < end; i++)
            {
                dataset.Pack(i, corpus, tokenIds, pairs.First[i], pairs.Second[i], pairs.IsNext[i]);
                var rng = new Prng(options.Seed, Prng.Stream(StreamKind.Masking, 0, i));
                dataset.MaskRow(i, ref rng);
            }
        });
        return dataset;
    }

    /// <summary>Writes &lt;cls&gt; a &lt;sep&gt; b &lt;sep&gt; &lt;pad&gt;… and segments 0…0 1…1 0… into row i.</summary>
    void Pack(int i, WikiTextCorpus corpus, int[] tokenIds, int first, int second, bool isNext)
    {
        ReadOnlySpan<int> a = tokenIds.AsSpan(corpus.SentenceStarts[first]..corpus.SentenceStarts[first + 1]);
        ReadOnlySpan<int> b = tokenIds.AsSpan(corpus.SentenceStarts[second]..corpus.SentenceStarts[second + 1]);
        Span<int> row = tokens.AsSpan(i * MaxLen, MaxLen);
        row[0] = Vocabulary.ClsId;
        a.CopyTo(row[1..]);
        row[a.Length + 1] = Vocabulary.SepId;
        b.CopyTo(row[(a.Length + 2)..]);
        int length = a.Length + b.Length + 3;
        row[length - 1] = Vocabulary.SepId;
        row[length..].Fill(Vocabulary.PadId);
        segments.AsSpan(i * MaxLen + a.Length + 2, b.Length + 1).Fill(1);
        validLens[i] = length;
        nspLabels[i] = isNext ? 1 : 0;
    }

    /// <summary>Masks row i (whose tokens are the originals) with <paramref name="rng"/>.</summary>
    internal void MaskRow(int i, ref Prng rng) =>
        MaskRow(i, ref rng, tokens, segments, validLens, predPositions, predLabels, predWeights);

    /// <summary>Masks row i of the given arrays (the dataset's or a batch iterator's copy).</summary>
    internal void MaskRow(int i, ref Prng rng, int[] tokens, int[] segments, int[] validLens,
                          int[] predPositions, int[] predLabels, float[] predWeights)
    {
        int secondStart = segments.AsSpan(i * MaxLen, MaxLen).IndexOf(1);
        int firstLength = secondStart - 2, secondLength = validLens[i] - secondStart - 1;
        MaskedLanguageModel.Mask(tokens.AsSpan(i * MaxLen, MaxLen), firstLength, secondLength,
            predPositions.AsSpan(i * MaxPredictions, MaxPredictions), predLabels.AsSpan(i * MaxPredictions, MaxPredictions),
            predWeights.AsSpan(i * MaxPredictions, MaxPredictions), ref rng, Vocabulary);
    }
}
