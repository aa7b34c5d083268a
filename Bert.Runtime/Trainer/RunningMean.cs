namespace Bert.Runtime.Trainer;

/// <summary>Mean of everything added since the start (the tutorial's running MLM/NSP averages).</summary>
public struct RunningMean
{
    double sum;
    long count;

    public void Add(double value) { sum += value; count++; }

    public readonly double Value => count == 0 ? double.NaN : sum / count;
}
