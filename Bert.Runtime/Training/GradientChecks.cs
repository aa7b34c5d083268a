using System.Numerics.Tensors;

namespace Bert.Runtime.Training;

/// <summary>Global-norm gradient clipping and non-finite detection over a store's flat gradient array.</summary>
public static class GradientChecks
{
    /// <summary>Sums are taken per block in float and across blocks in double, so a large array keeps float accuracy per block.</summary>
    const int Block = 1024;

    /// <summary>√(Σ g²) over all of <paramref name="values"/>.</summary>
    public static double GlobalNorm(ReadOnlySpan<float> values)
    {
        double sum = 0;
        for (int start = 0; start < values.Length; start += Block)
            sum += TensorPrimitives.SumOfSquares(values.Slice(start, Math.Min(Block, values.Length - start)));
        return Math.Sqrt(sum);
    }

    /// <summary>
    /// Scales <paramref name="grads"/> so their global norm is at most <paramref name="maxNorm"/>; returns the
    /// norm before clipping (non-finite norms are returned and the gradients left as they are).
    /// </summary>
    public static double ClipByGlobalNorm(Span<float> grads, float maxNorm)
    {
        double norm = GlobalNorm(grads);
        float scale = ClipScale(norm, maxNorm);
        if (scale != 1f) TensorPrimitives.Multiply(grads, scale, grads);
        return norm;
    }

    /// <summary>
    /// The factor that scales gradients of global norm <paramref name="norm"/> down to <paramref name="maxNorm"/>:
    /// <c>maxNorm / (norm + 1e-6)</c> above the threshold, 1 otherwise (also for a non-finite norm, which the
    /// trainer reports as divergence instead).
    /// </summary>
    public static float ClipScale(double norm, float maxNorm)
    {
        if (!(maxNorm > 0f)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "must be positive");
        return double.IsFinite(norm) && norm > maxNorm ? (float)(maxNorm / (norm + 1e-6)) : 1f;
    }

    public static bool AllFinite(ReadOnlySpan<float> values) => TensorPrimitives.IsFiniteAll(values);

    /// <summary>The first parameter whose gradient holds a NaN or ±Inf, or null when all are finite.</summary>
    public static string? FirstNonFiniteGradient(ParameterStore store)
    {
        for (int i = 0; i < store.Parameters.Count; i++)
            if (!AllFinite(store.Grad(i))) return store.Parameters[i].Name;
        return null;
    }
}
