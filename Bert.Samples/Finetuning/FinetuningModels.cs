using Bert.Runtime;
using Bert.Samples.Models;

namespace Bert.Samples.Finetuning;

/// <summary>The sentence-pair classifiers this build compiled (<see cref="CompiledModels.Classifiers"/>), by the checkpoint shape they load.</summary>
public static class FinetuningModels
{
    public static IEnumerable<string> Available => CompiledModels.Classifiers.Select(m => m.ToString());

    /// <summary>The compiled classifier for <paramref name="shape"/>; a <see cref="UserError"/> with the declaration to add otherwise.</summary>
    public static PairClassifier Create(BertShape shape, int vocab)
    {
        foreach (var m in CompiledModels.Classifiers)
            if (m.Shape.Matches(shape))
                return new PairClassifier(m.ClassName, m.Shape, m.Create(vocab));
        throw new UserError($"No compiled classifier has the checkpoint's shape ({shape}). Compiled: {string.Join("; ", Available)}.\n" +
                            CompiledModels.ClassifierDeclaration(shape));
    }
}
