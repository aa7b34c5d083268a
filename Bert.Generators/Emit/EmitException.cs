using System;

namespace Bert.Generators.Emit
{
    /// <summary>
    /// An execution plan the emitters cannot render (an unknown buffer, a type mismatch, a duplicate name).
    /// It signals a bug in the passes that built the plan, never a user mistake; the message names the culprit.
    /// </summary>
    internal sealed class EmitException : Exception
    {
        public EmitException(string message) : base(message) { }
    }
}
