using Bert.Runtime.Pretraining;
using Bert.Runtime;
using Bert.Runtime.Trainer;
using Bert.Samples.Models;

namespace Bert.Samples.Pretraining;

/// <summary>The pretraining models this build compiled (<see cref="CompiledModels.Pretraining"/>), by configuration.</summary>
public static class PretrainingModels
{
    public static IEnumerable<string> Available => CompiledModels.Pretraining.Select(m => $"{m.ClassName} ({ModelConfig.Of(m.Shape)})");

    public static string ClassName(ModelConfig config) => Find(config).ClassName;

    /// <summary>The compiled shape of <paramref name="config"/>: its activation, LayerNorm epsilon and learned positions.</summary>
    public static BertShape Shape(ModelConfig config) => Find(config).Shape;

    /// <summary>Throws a <see cref="UserError"/> naming the compiled configurations when <paramref name="config"/> is not one.</summary>
    public static void Require(ModelConfig config) => Find(config);

    public static IPretrainingModel Create(ModelConfig config, int vocabulary, int maxLen)
    {
        var model = Find(config);
        if (maxLen > model.Shape.MaxPositions)
            throw new UserError($"--max-len {maxLen} exceeds the {model.Shape.MaxPositions} learned positions of {model.ClassName}.");
        return model.Create(vocabulary);
    }

    static CompiledModel<IPretrainingModel> Find(ModelConfig config) =>
        CompiledModels.Pretraining.FirstOrDefault(m => ModelConfig.Of(m.Shape) == config)
        ?? throw new UserError($"No compiled model has {config}. Compiled: {string.Join("; ", Available)}. " +
                               "Declare one in Bert.Samples/Models (a [Model] class like TutorialBert with these [Dim] constants) " +
                               "and list it in CompiledModels.Pretraining (Bert.Samples/Models/CompiledModels.cs).");
}
