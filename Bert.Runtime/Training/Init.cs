namespace Bert.Runtime.Training;

/// <summary>How a parameter's initial values are drawn.</summary>
public enum InitKind { Zeros, Ones, Normal, Uniform }

/// <summary>
/// A parameter initializer: <see cref="Normal"/>(std) draws N(0, std²), <see cref="Uniform"/>(a) draws
/// U(−a, a), <see cref="Zeros"/> and <see cref="Ones"/> are constants.
/// </summary>
public readonly record struct Init(InitKind Kind, float Scale)
{
    public static Init Zeros => new(InitKind.Zeros, 0f);
    public static Init Ones => new(InitKind.Ones, 0f);
    public static Init Normal(float std) => new(InitKind.Normal, RequirePositive(std, nameof(std)));
    public static Init Uniform(float a) => new(InitKind.Uniform, RequirePositive(a, nameof(a)));

    static float RequirePositive(float value, string name) =>
        value > 0f && float.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(name, value, "must be a positive finite number");

    public override string ToString() => Kind switch
    {
        InitKind.Normal => $"Normal({Scale})",
        InitKind.Uniform => $"Uniform({Scale})",
        _ => Kind.ToString(),
    };
}
