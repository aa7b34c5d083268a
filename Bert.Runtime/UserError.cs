namespace Bert.Runtime;

/// <summary>
/// A mistake the user can fix (a missing file, a bad option value, unreadable data). The message says what is
/// wrong and what to do; the CLI prints it in red and exits with code 2 instead of showing a stack trace.
/// </summary>
public sealed class UserError : Exception
{
    public UserError(string message) : base(message) { }
    public UserError(string message, Exception inner) : base(message, inner) { }
}
