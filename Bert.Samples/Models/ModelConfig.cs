namespace Bert.Samples.Models;

/// <summary>
/// The shape of a BERT encoder as the CLI's --layers/--hidden/--heads/--ffn give it. Bert.Compiler compiles each
/// declared model ahead of time, so a configuration is available only if <see cref="CompiledModels"/> lists a [Model] class of that shape.
/// </summary>
public sealed record ModelConfig(int Layers, int Hidden, int Heads, int FfnHidden)
{
    /// <summary>The d2l tutorial's small BERT, as its [Model] class declares it.</summary>
    public static ModelConfig Tutorial { get; } = Of(CompiledModels.Tutorial.Shape);

    public static ModelConfig Of(BertShape shape) => new(shape.Layers, shape.Hidden, shape.Heads, shape.FfnHidden);

    public override string ToString() => $"{Layers} layers, {Hidden} hidden, {Heads} heads, FFN {FfnHidden}";
}
