using Bert.Runtime;
using Bert.Samples.Models;

namespace Bert.Samples.Finetuning;

/// <summary>
/// The sentence-pair classifiers this build compiled, by the checkpoint shape they load. A new shape is a new
/// [Model] class in Bert.Samples/Models/BertClassifiers.cs, its line in CompiledClassifiers.cs and one line here.
/// </summary>
public static class FinetuningModels
{
    static readonly (BertShape Shape, string ClassName, Func<int, PairClassifier> Create)[] Models =
    [
        (new BertShape(TutorialBertClassifier.Layers, TutorialBertClassifier.Hidden, TutorialBertClassifier.Heads, TutorialBertClassifier.FfnHidden,
            "relu", Decimal(TutorialBertClassifier.NormEps), TutorialBertClassifier.MaxPositions, 2), nameof(TutorialBertClassifier),
            vocab => Create(nameof(TutorialBertClassifier), new TutorialBertClassifier(vocab), TutorialBertClassifier.ParameterSpecs(vocab))),
        (new BertShape(TinyBertClassifier.Layers, TinyBertClassifier.Hidden, TinyBertClassifier.Heads, TinyBertClassifier.FfnHidden,
            "gelu", Decimal(TinyBertClassifier.NormEps), TinyBertClassifier.MaxPositions, 2), nameof(TinyBertClassifier),
            vocab => Create(nameof(TinyBertClassifier), new TinyBertClassifier(vocab), TinyBertClassifier.ParameterSpecs(vocab))),
        (new BertShape(BertBaseClassifier.Layers, BertBaseClassifier.Hidden, BertBaseClassifier.Heads, BertBaseClassifier.FfnHidden,
            "gelu", Decimal(BertBaseClassifier.NormEps), BertBaseClassifier.MaxPositions, 2), nameof(BertBaseClassifier),
            vocab => Create(nameof(BertBaseClassifier), new BertBaseClassifier(vocab), BertBaseClassifier.ParameterSpecs(vocab))),
    ];

    public static IEnumerable<string> Available => Models.Select(m => $"{m.ClassName} ({m.Shape})");

    /// <summary>The compiled classifier for <paramref name="shape"/>; a <see cref="UserError"/> naming the compiled ones otherwise.</summary>
    public static PairClassifier Create(BertShape shape, int vocab)
    {
        foreach (var m in Models)
            if (m.Shape.Matches(shape)) return m.Create(vocab);
        throw new UserError($"No compiled classifier has the checkpoint's shape ({shape}). Compiled: {string.Join("; ", Available)}. " +
                            "Declare one in Bert.Samples/Models/BertClassifiers.cs and list it in FinetuningModels.");
    }

    /// <summary>A float constant as the double its decimal digits spell (1e-12f → 1e-12), as config.json writes it.</summary>
    static double Decimal(float value) => (double)(decimal)value;

    static PairClassifier Create(string name, ICompiledPairClassifier model, Runtime.Execution.ParameterSpec[] specs)
    {
        var shape = Models.First(m => m.ClassName == name).Shape;
        return new PairClassifier(name, shape, model, specs);
    }
}
