namespace Bert.Runtime;

/// <summary>
/// A mistake the user can fix (a missing file, a bad option value, unreadable data). The message says what is
/// wrong and what to do; the CLI prints it in red and exits with code 2 instead of showing a stack trace. A message
/// that names settings is written against a namer (see <see cref="Setting"/>), so that each application words it
/// its own way.
/// </summary>
public sealed class UserError : Exception
{
    readonly Func<Func<Setting, string>, string>? describe;

    public UserError(string message) : base(message) { }
    public UserError(string message, Exception inner) : base(message, inner) { }

    /// <param name="describe">The message, given how to name a setting, e.g. <c>name => $"{name(Setting.Steps)} is 0; it must be positive."</c>.</param>
    public UserError(Func<Func<Setting, string>, string> describe, Exception? inner = null) : base(describe(Settings.ApiName), inner) =>
        this.describe = describe;

    /// <summary>The message with each setting named by <paramref name="name"/> (the plain message when it names none).</summary>
    public string Describe(Func<Setting, string> name) => describe?.Invoke(name) ?? Message;
}
