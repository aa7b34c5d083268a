using Bert.Samples.Finetuning;

namespace Bert.Samples.Models;

// The generated classifiers, behind one interface: the generator emits the members, these lines only name them.

public partial class TutorialBertClassifier : ICompiledPairClassifier
{
    float ICompiledPairClassifier.DropoutRate { get => Dropout; set => Dropout = value; }
}

public partial class TinyBertClassifier : ICompiledPairClassifier
{
    float ICompiledPairClassifier.DropoutRate { get => Dropout; set => Dropout = value; }
}

public partial class BertBaseClassifier : ICompiledPairClassifier
{
    float ICompiledPairClassifier.DropoutRate { get => Dropout; set => Dropout = value; }
}
