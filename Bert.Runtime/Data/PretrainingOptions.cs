namespace Bert.Runtime.Data;

/// <summary>How the MLM + NSP pretraining examples are built and batched (defaults: the d2l tutorial's).</summary>
public sealed record PretrainingOptions
{
    /// <summary>Tokens per example, including &lt;cls&gt; and two &lt;sep&gt;; longer sentence pairs are dropped.</summary>
    public int MaxLen { get; init; } = 64;
    public int BatchSize { get; init; } = 512;
    /// <summary>Seeds every random decision: paragraph shuffle, NSP pairs, masking, per-epoch batch order.</summary>
    public ulong Seed { get; init; }
    /// <summary>Re-draw the masked positions every epoch instead of keeping the first epoch's.</summary>
    public bool DynamicMasking { get; init; }
    /// <summary>Words seen fewer times are &lt;unk&gt; (vocabulary building only).</summary>
    public int MinFrequency { get; init; } = 5;

    /// <summary>Smallest max_len holding &lt;cls&gt; a &lt;sep&gt; b &lt;sep&gt; with one word per sentence.</summary>
    public const int SmallestMaxLen = 5;

    /// <summary>Prediction slots per example: round(0.15 · max_len), Python's round-half-to-even.</summary>
    public int MaxPredictions => (int)Math.Round(MaxLen * MaskedLanguageModel.PredictionRate, MidpointRounding.ToEven);

    /// <summary>Throws a <see cref="UserError"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (MaxLen < SmallestMaxLen)
            throw new UserError($"max_len is {MaxLen}; it must be at least {SmallestMaxLen} (<cls> a <sep> b <sep>).");
        if (BatchSize <= 0) throw new UserError($"batch size is {BatchSize}; it must be positive.");
        if (MinFrequency <= 0) throw new UserError($"min frequency is {MinFrequency}; it must be positive.");
    }
}
