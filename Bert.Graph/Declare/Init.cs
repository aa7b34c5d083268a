namespace Bert.Graph;

/// <summary>How a parameter is initialized.</summary>
public enum Init
{
    /// <summary>Normal(0, Scale), truncated at two standard deviations like BERT.</summary>
    Normal,
    Zeros,
    Ones,
}
