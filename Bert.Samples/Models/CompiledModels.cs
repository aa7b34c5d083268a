using Bert.Runtime.Execution;
using Bert.Runtime.Pretraining;
using System.Globalization;

namespace Bert.Samples.Models;

/// <summary>
/// The model shapes this build compiled. Each entry is a [Model] class of the generator's registry
/// (<c>CompiledModelRegistry.All</c>) and reads its shape from that class's [Dim] and NormEps constants, so no shape
/// number, activation or model list is written anywhere else; the CLI, pretraining and fine-tuning look shapes up here.
/// </summary>
public static class CompiledModels
{
    /// <summary>The sentence-pair classifiers (fine-tuning): every compiled model that is one (BertClassifiers.cs declares them), smallest first.</summary>
    public static IReadOnlyList<CompiledModel<ICompiledPairClassifier>> Classifiers { get; } =
        CompiledModelRegistry.All
            .Where(m => typeof(ICompiledPairClassifier).IsAssignableFrom(m.Type))
            .Select(m => CompiledModel.Of(m, vocab => (ICompiledPairClassifier)m.Create([vocab])))
            .OrderBy(m => m.Shape.Layers).ThenBy(m => m.Shape.Hidden).ThenBy(m => m.ClassName, StringComparer.Ordinal)
            .ToList();

    /// <summary>The pretraining models (MLM + NSP heads), each behind its adapter.</summary>
    public static IReadOnlyList<CompiledModel<IPretrainingModel>> Pretraining { get; } =
    [
        CompiledModel.Of(CompiledModelRegistry.All.Single(m => m.Type == typeof(TutorialBert)), vocab => (IPretrainingModel)new TutorialBertPretraining(vocab)),
    ];

    /// <summary>The d2l tutorial's pretraining model, the CLI's default shape.</summary>
    public static CompiledModel<IPretrainingModel> Tutorial => Pretraining[0];

    /// <summary>What a user pastes to compile <paramref name="shape"/> as a classifier: the [Model] declaration for BertClassifiers.cs.</summary>
    public static string ClassifierDeclaration(BertShape shape)
    {
        string name = $"Bert{shape.Layers}x{shape.Hidden}Classifier";
        string eps = shape.LayerNormEps.ToString(CultureInfo.InvariantCulture) + "f";
        int gelu = shape.Activation == "gelu" ? 1 : 0;
        return "To compile this shape, add to Bert.Samples/Models/BertClassifiers.cs:\n" +
               $"[Model]\npublic partial class {name} : BertPairClassifier, ICompiledPairClassifier\n{{\n" +
               $"    [Dim] public const int Hidden = {shape.Hidden}, Heads = {shape.Heads}, FfnHidden = {shape.FfnHidden}, Layers = {shape.Layers}, " +
               $"MaxPositions = {shape.MaxPositions}, FfnGelu = {gelu};\n" +
               $"    [Hyper] public const float NormEps = {eps};\n}}\n" +
               "then rebuild (./bert builds on its next run).";
    }
}

/// <summary>One compiled [Model] class: its name, its shape (read from its constants) and how to create it for a vocabulary size.</summary>
public sealed record CompiledModel<TModel>(string ClassName, BertShape Shape, Func<int, TModel> Create)
{
    public override string ToString() => $"{ClassName} ({Shape})";
}

public static class CompiledModel
{
    /// <summary>
    /// The entry of a compiled [Model] class whose one construction dimension is Vocab: its shape from its Layers,
    /// Hidden, Heads, FfnHidden, FfnGelu, MaxPositions and NormEps constants.
    /// </summary>
    public static CompiledModel<TModel> Of<TModel>(CompiledModelType model, Func<int, TModel> create)
    {
        var type = model.Type;
        if (!model.ConstructionDimensions.SequenceEqual(["Vocab"]))
            throw new InvalidOperationException($"{type.Name} is constructed with ({string.Join(", ", model.ConstructionDimensions)}), not (Vocab).");
        object Constant(string name) =>
            type.GetField(name)?.GetRawConstantValue() ?? throw new InvalidOperationException($"{type.Name} declares no constant {name}.");
        int Int(string name) => (int)Constant(name);
        var shape = new BertShape(Int("Layers"), Int("Hidden"), Int("Heads"), Int("FfnHidden"), Int("FfnGelu") == 1 ? "gelu" : "relu",
            (double)(decimal)(float)Constant("NormEps"), Int("MaxPositions"), TypeVocab: 2);
        return new CompiledModel<TModel>(type.Name, shape, create);
    }
}
