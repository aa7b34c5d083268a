using Bert.Graph;

namespace Bert.Runtime.Training;

/// <summary>
/// A parameter initializer: the declaration's <see cref="Init"/> and its scale — <see cref="Normal"/>(std) draws N(0, std²),
/// <see cref="Zeros"/> and <see cref="Ones"/> are constants.
/// </summary>
public readonly record struct Initializer(Init Kind, float Scale)
{
    public static Initializer Zeros => new(Init.Zeros, 0f);
    public static Initializer Ones => new(Init.Ones, 0f);
    public static Initializer Normal(float std) =>
        new(Init.Normal, std > 0f && float.IsFinite(std) ? std : throw new ArgumentOutOfRangeException(nameof(std), std, "must be a positive finite number"));

    /// <summary>The initializer a generated model's parameter spec declares.</summary>
    public static Initializer Of(Init kind, float scale) => kind switch
    {
        Init.Normal => Normal(scale),
        Init.Ones => Ones,
        Init.Zeros => Zeros,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "is not an initializer of this runtime"),
    };

    public override string ToString() => Kind == Init.Normal ? $"Normal({Scale})" : Kind.ToString();
}
