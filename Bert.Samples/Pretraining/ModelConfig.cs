namespace Bert.Samples.Pretraining;

/// <summary>
/// The compile-time shape of a BERT encoder. Bert.Compiler compiles each declared model ahead of time, so a
/// configuration is available only if a [Model] class with these dimensions is declared (see <see cref="PretrainingModels"/>).
/// </summary>
public sealed record ModelConfig(int Layers, int Hidden, int Heads, int FfnHidden)
{
    /// <summary>The d2l tutorial's small BERT: 2 layers, 128 hidden, 2 heads, FFN 256.</summary>
    public static ModelConfig Tutorial { get; } = new(2, 128, 2, 256);

    public override string ToString() => $"{Layers} layers, {Hidden} hidden, {Heads} heads, FFN {FfnHidden}";
}
