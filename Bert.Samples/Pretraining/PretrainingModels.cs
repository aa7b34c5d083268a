using Bert.Runtime;
using Bert.Runtime.Trainer;
using Bert.Samples.Models;

namespace Bert.Samples.Pretraining;

/// <summary>
/// The pretraining models this build compiled, by configuration. Bert.Compiler generates each model's kernels at
/// build time, so a new shape is a new [Model] declaration in Bert.Samples/Models plus one line here.
/// </summary>
public static class PretrainingModels
{
    /// <summary>Rows of the learned position table (the tutorial's max_len of 1000).</summary>
    public const int MaxPositions = TutorialBert.MaxPositions;

    public const float LayerNormEps = 1e-5f;

    static readonly (ModelConfig Config, string ClassName, Func<int, IPretrainingModel> Create)[] Models =
    [
        (ModelConfig.Tutorial, nameof(TutorialBert), vocabulary => new TutorialBertPretraining(vocabulary)),
    ];

    public static IEnumerable<string> Available => Models.Select(m => $"{m.ClassName} ({m.Config})");

    public static string ClassName(ModelConfig config) => Find(config).ClassName;

    /// <summary>Throws a <see cref="UserError"/> naming the compiled configurations when <paramref name="config"/> is not one.</summary>
    public static void Require(ModelConfig config) => Find(config);

    public static IPretrainingModel Create(ModelConfig config, int vocabulary, int maxLen)
    {
        if (maxLen > MaxPositions) throw new UserError($"--max-len {maxLen} exceeds the {MaxPositions} learned positions of {ClassName(config)}.");
        return Find(config).Create(vocabulary);
    }

    static (ModelConfig Config, string ClassName, Func<int, IPretrainingModel> Create) Find(ModelConfig config) =>
        Models.FirstOrDefault(m => m.Config == config) is { ClassName: not null } found
            ? found
            : throw new UserError($"No compiled model has {config}. Compiled: {string.Join("; ", Available)}. " +
                                  "Declare one in Bert.Samples/Models (a [Model] class with these [Dim] constants) and list it in PretrainingModels.");
}
