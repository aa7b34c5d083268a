using Microsoft.CodeAnalysis;

namespace Bert.Generators.Diagnostics
{
    /// <summary>Every diagnostic the Bert.Compiler generator reports, in one table (IDs are stable).</summary>
    internal static class DiagnosticDescriptors
    {
        const string Category = "Bert.Compiler";

        static DiagnosticDescriptor Error(string id, string title, string message) =>
            new DiagnosticDescriptor(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor UnsupportedConstruct = Error("BERT0001",
            "Unsupported construct in a [Forward] method",
            "'{0}' is not supported in a [Forward] method: {1}");

        public static readonly DiagnosticDescriptor ShapeMismatch = Error("BERT0002",
            "Tensor shapes do not match",
            "{0}: {1}");

        public static readonly DiagnosticDescriptor UnknownDimension = Error("BERT0003",
            "Unknown dimension in a shape",
            "Unknown dimension '{0}' in shape \"{1}\": declare it as a [Dim] field of '{2}' or write an integer");

        public static readonly DiagnosticDescriptor UnusedParameter = new DiagnosticDescriptor("BERT0004",
            "Parameter is never used",
            "Parameter '{0}' is declared but Forward never uses it: remove it or use it (it would get no gradient)",
            Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor MissingForward = Error("BERT0005",
            "Missing [Forward] method",
            "'{0}' has no [Forward] method: add one ({1})");

        public static readonly DiagnosticDescriptor LossNotScalar = Error("BERT0006",
            "Forward does not return a scalar loss",
            "A model's Forward must return the scalar loss, but this value has shape [{0}]: reduce it with CrossEntropy or WeightedCrossEntropy");

        public static readonly DiagnosticDescriptor DuplicateOutput = Error("BERT0007",
            "Duplicate output name",
            "Output name \"{0}\" is already used: give each Output a unique name");

        public static readonly DiagnosticDescriptor NotPartial = Error("BERT0008",
            "Model class must be partial",
            "'{0}' must be declared partial so the generator can add its constructor, Forward and Backward");

        public static readonly DiagnosticDescriptor MalformedShape = Error("BERT0009",
            "Malformed shape string",
            "Shape \"{0}\" is malformed: {1}");

        public static readonly DiagnosticDescriptor NotABlock = Error("BERT0010",
            "Block field of a type that is not a [Block]",
            "'{0}' is not marked [Block]: mark the class [Block] or declare the parameters on the model");

        public static readonly DiagnosticDescriptor UnboundBlockMember = Error("BERT0011",
            "Block dimension or hyper-parameter missing from the model",
            "Block '{0}' uses {1} '{2}', but model '{3}' declares no such {1}: add it to the model");

        public static readonly DiagnosticDescriptor NotConstant = Error("BERT0012",
            "Value must be known at compile time",
            "'{0}' must be a compile-time constant here ({1})");

        public static readonly DiagnosticDescriptor InvalidMember = Error("BERT0013",
            "Invalid declaration member",
            "{0} '{1}' is invalid: {2}");

        public static readonly DiagnosticDescriptor BadForwardSignature = Error("BERT0014",
            "Invalid [Forward] signature",
            "'{0}' has an invalid [Forward] signature: {1}");

        public static readonly DiagnosticDescriptor CompilationFailed = Error("BERT0015",
            "The model could not be compiled",
            "Bert.Compiler could not compile '{0}': {1}");

        public static readonly DiagnosticDescriptor StaleRuntime = Error("BERT0016",
            "The referenced Bert.Runtime does not match the generator",
            "The generated code of '{0}' calls runtime types that the referenced Bert.Runtime lacks: {1}. Reference the Bert.Runtime built with this Bert.Generators (the same version or commit).");
    }
}
