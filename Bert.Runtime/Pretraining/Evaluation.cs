using System.Numerics.Tensors;
using Bert.Runtime.Data;

namespace Bert.Runtime.Pretraining;

/// <summary>Validation metrics: weighted MLM loss and accuracy over real prediction slots, NSP loss and accuracy.</summary>
public readonly record struct EvaluationResult(double MlmLoss, double MlmAccuracy, double NspLoss, double NspAccuracy, int Examples);

public static class Evaluation
{
    /// <summary>
    /// Runs the model without dropout over (at most <paramref name="maxBatches"/> batches of) <paramref name="data"/>
    /// in dataset order and averages the metrics by prediction slot (MLM) and by example (NSP).
    /// </summary>
    public static EvaluationResult Run(IPretrainingModel model, PretrainingDataset data, int maxBatches = int.MaxValue)
    {
        var batches = data.Batches(shuffle: false);
        int count = Math.Min(maxBatches, batches.BatchesPerEpoch);
        double mlmLossSum = 0, mlmWeight = 0, mlmCorrect = 0, nspLossSum = 0, nspCorrect = 0;
        int examples = 0;
        for (int b = 0; b < count; b++)
        {
            var batch = batches.Next();
            model.Load(batch);
            var losses = model.Forward(training: false, dropout: 0, seed: 0);
            double weight = TensorPrimitives.Sum(batch.PredWeights);
            mlmLossSum += losses.Mlm * weight;
            mlmWeight += weight;
            nspLossSum += losses.Nsp * batch.Size;
            examples += batch.Size;

            var mlm = model.MlmLogits;
            int vocabulary = mlm.Length / batch.RealPredictions(), row = 0;
            for (int slot = 0; slot < batch.PredLabels.Length; slot++)
            {
                if (batch.PredWeights[slot] <= 0) continue;
                if (TensorPrimitives.IndexOfMax(mlm.Slice(row * vocabulary, vocabulary)) == batch.PredLabels[slot])
                    mlmCorrect += batch.PredWeights[slot];
                row++;
            }
            var nsp = model.NspLogits;
            for (int i = 0; i < batch.Size; i++)
                if ((nsp[2 * i + 1] > nsp[2 * i] ? 1 : 0) == batch.NspLabels[i]) nspCorrect++;
        }
        return new EvaluationResult(mlmLossSum / mlmWeight, mlmCorrect / mlmWeight, nspLossSum / examples, nspCorrect / examples, examples);
    }
}
