using Bert.Samples.Models;

namespace Bert.Samples.Finetuning;

/// <summary>
/// The learning rate and epochs a fine-tuning run gets when the user names neither, by the model's size: BERT-base
/// and larger (hidden 768 and up) take the BERT paper's GLUE recipe at its usual MRPC point (2e-5, 3 epochs);
/// compact models (the tutorial, bert-tiny … bert-medium, MiniLM) learn slower at that rate and take the higher rate
/// of Turc et al.'s compact-BERT recipe for 6 epochs (on all-MiniLM-L6-v2 and MRPC, seeds 0–2: 79.6 % test accuracy on
/// average, against 78.5 % after 4 epochs and 77.7 % for 5e-5 and 3 epochs; the dev accuracy of every seed still rose in
/// the sixth epoch: Finetuning/README.md).
/// </summary>
public sealed record FinetuneRecipe(float LearningRate, int Epochs)
{
    public static FinetuneRecipe Compact { get; } = new(1e-4f, 6);
    public static FinetuneRecipe Base { get; } = new(2e-5f, 3);

    /// <summary>Models from this hidden size up take <see cref="Base"/>.</summary>
    public const int BaseHidden = 768;

    public static FinetuneRecipe For(BertShape shape) => shape.Hidden >= BaseHidden ? Base : Compact;

    /// <summary>What --help says of the defaults.</summary>
    public static string Describe() =>
        $"{Rate(Compact.LearningRate)} and {Compact.Epochs} epochs for compact models (hidden under {BaseHidden}: the tutorial, bert-tiny … bert-medium, MiniLM), " +
        $"{Rate(Base.LearningRate)} and {Base.Epochs} epochs for BERT-base and larger";

    /// <summary>A learning rate as it is typed: 1e-4, 2e-5.</summary>
    public static string Rate(float value) => value.ToString("0.###e-0", System.Globalization.CultureInfo.InvariantCulture);
}
