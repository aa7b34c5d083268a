namespace Bert.Graph;

/// <summary>How a parameter is initialized.</summary>
public enum Init
{
    /// <summary>Normal(0, Scale), untruncated, as HuggingFace initializes BERT (Google's TensorFlow BERT truncates at 2σ).</summary>
    Normal,
    Zeros,
    Ones,
}
