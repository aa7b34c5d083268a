using Bert.Runtime;
using Bert.Samples.Models;

namespace Bert.Samples.Finetuning;

/// <summary>
/// The sentence-pair classifiers this build compiled, by the checkpoint shape they load. A new shape is a new
/// [Model] class in Bert.Samples/Models/BertClassifiers.cs, its line in CompiledClassifiers.cs and one entry here.
/// </summary>
public static class FinetuningModels
{
    static readonly (BertShape Shape, string ClassName, Func<int, ICompiledPairClassifier> Compile)[] Models =
    [
        (Shape(TutorialBertClassifier.Layers, TutorialBertClassifier.Hidden, TutorialBertClassifier.Heads, TutorialBertClassifier.FfnHidden,
            TutorialBertClassifier.FfnGelu, TutorialBertClassifier.NormEps, TutorialBertClassifier.MaxPositions), nameof(TutorialBertClassifier),
            vocab => new TutorialBertClassifier(vocab)),
        (Shape(TinyBertClassifier.Layers, TinyBertClassifier.Hidden, TinyBertClassifier.Heads, TinyBertClassifier.FfnHidden,
            TinyBertClassifier.FfnGelu, TinyBertClassifier.NormEps, TinyBertClassifier.MaxPositions), nameof(TinyBertClassifier),
            vocab => new TinyBertClassifier(vocab)),
        (Shape(BertBaseClassifier.Layers, BertBaseClassifier.Hidden, BertBaseClassifier.Heads, BertBaseClassifier.FfnHidden,
            BertBaseClassifier.FfnGelu, BertBaseClassifier.NormEps, BertBaseClassifier.MaxPositions), nameof(BertBaseClassifier),
            vocab => new BertBaseClassifier(vocab)),
    ];

    public static IEnumerable<string> Available => Models.Select(m => $"{m.ClassName} ({m.Shape})");

    /// <summary>The compiled classifier for <paramref name="shape"/>; a <see cref="UserError"/> naming the compiled ones otherwise.</summary>
    public static PairClassifier Create(BertShape shape, int vocab)
    {
        foreach (var m in Models)
            if (m.Shape.Matches(shape))
            {
                return new PairClassifier(m.ClassName, m.Shape, m.Compile(vocab));
            }
        throw new UserError($"No compiled classifier has the checkpoint's shape ({shape}). Compiled: {string.Join("; ", Available)}. " +
                            "Declare one in Bert.Samples/Models/BertClassifiers.cs and list it in FinetuningModels.");
    }

    /// <summary>A model's compile-time constants as a config shape; the epsilon as the double its digits spell (1e-12f → 1e-12).</summary>
    static BertShape Shape(int layers, int hidden, int heads, int ffn, int ffnGelu, float eps, int positions) =>
        new(layers, hidden, heads, ffn, ffnGelu == 1 ? "gelu" : "relu", (double)(decimal)eps, positions, TypeVocab: 2);
}
