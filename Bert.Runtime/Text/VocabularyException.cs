namespace Bert.Runtime.Text;

/// <summary>A WordPiece vocabulary file that is missing or unusable; the message says which file and why.</summary>
public sealed class VocabularyException(string message) : Exception(message);
