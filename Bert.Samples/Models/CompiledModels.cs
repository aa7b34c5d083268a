using Bert.Runtime.Pretraining;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Bert.Runtime.Trainer;

namespace Bert.Samples.Models;

/// <summary>
/// The one list of the model shapes this build compiled. Each entry points at a [Model] class and reads its shape
/// from that class's [Dim] and NormEps constants, so no shape number or activation is written anywhere else; the
/// CLI, pretraining and fine-tuning look shapes up here.
/// </summary>
public static class CompiledModels
{
    /// <summary>The sentence-pair classifiers (fine-tuning), declared in Bert.Samples/Models/BertClassifiers.cs.</summary>
    public static IReadOnlyList<CompiledModel<ICompiledPairClassifier>> Classifiers { get; } =
    [
        CompiledModel.Of<TutorialBertClassifier, ICompiledPairClassifier>(vocab => new TutorialBertClassifier(vocab)),
        CompiledModel.Of<TinyBertClassifier, ICompiledPairClassifier>(vocab => new TinyBertClassifier(vocab)),
        CompiledModel.Of<BertMiniClassifier, ICompiledPairClassifier>(vocab => new BertMiniClassifier(vocab)),
        CompiledModel.Of<BertSmallClassifier, ICompiledPairClassifier>(vocab => new BertSmallClassifier(vocab)),
        CompiledModel.Of<MiniLmL6Classifier, ICompiledPairClassifier>(vocab => new MiniLmL6Classifier(vocab)),
        CompiledModel.Of<BertMediumClassifier, ICompiledPairClassifier>(vocab => new BertMediumClassifier(vocab)),
        CompiledModel.Of<BertBaseClassifier, ICompiledPairClassifier>(vocab => new BertBaseClassifier(vocab)),
    ];

    /// <summary>The pretraining models (MLM + NSP heads).</summary>
    public static IReadOnlyList<CompiledModel<IPretrainingModel>> Pretraining { get; } =
    [
        CompiledModel.Of<TutorialBert, IPretrainingModel>(vocab => new TutorialBertPretraining(vocab)),
    ];

    /// <summary>The d2l tutorial's pretraining model, the CLI's default shape.</summary>
    public static CompiledModel<IPretrainingModel> Tutorial => Pretraining[0];

    /// <summary>
    /// What a user pastes to compile <paramref name="shape"/> as a classifier: the [Model] declaration for
    /// BertClassifiers.cs and its line for this list, both named with their files.
    /// </summary>
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
               "and to the Classifiers list in Bert.Samples/Models/CompiledModels.cs:\n" +
               $"        CompiledModel.Of<{name}, ICompiledPairClassifier>(vocab => new {name}(vocab)),\n" +
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
    /// <summary>The entry of [Model] class <typeparamref name="T"/>: its Layers, Hidden, Heads, FfnHidden, FfnGelu, MaxPositions and NormEps constants.</summary>
    public static CompiledModel<TModel> Of<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] T, TModel>(Func<int, TModel> create)
    {
        object Constant(string name) =>
            typeof(T).GetField(name)?.GetRawConstantValue() ?? throw new InvalidOperationException($"{typeof(T).Name} declares no constant {name}.");
        int Int(string name) => (int)Constant(name);
        var shape = new BertShape(Int("Layers"), Int("Hidden"), Int("Heads"), Int("FfnHidden"), Int("FfnGelu") == 1 ? "gelu" : "relu",
            (double)(decimal)(float)Constant("NormEps"), Int("MaxPositions"), TypeVocab: 2);
        return new CompiledModel<TModel>(typeof(T).Name, shape, create);
    }
}
