using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using Bert.Generators.Common;
using Bert.Generators.Diagnostics;
using Microsoft.CodeAnalysis;

namespace Bert.Generators.Parse
{
    /// <summary>Parses a shape string such as "Vocab, Hidden" or "2, Hidden" against the model's dimensions.</summary>
    internal static class ShapeParser
    {
        /// <returns>The shape, or default after reporting BERT0003/BERT0009 at <paramref name="location"/>.</returns>
        public static ImmutableArray<SizeExpr> Parse(string text, IReadOnlyDictionary<string, SizeExpr> dims, string owner,
            Location location, List<Diagnostic> diagnostics)
        {
            var shape = ImmutableArray.CreateBuilder<SizeExpr>();
            if (text.Trim().Length == 0)
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.MalformedShape, location, text, "it lists no dimension"));
                return default;
            }
            foreach (var raw in text.Split(','))
            {
                string part = raw.Trim();
                if (part.Length == 0)
                {
                    diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.MalformedShape, location, text, "a dimension between commas is empty"));
                    return default;
                }
                if (long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out long value))
                {
                    if (value == 0)
                    {
                        diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.MalformedShape, location, text, "a dimension is zero"));
                        return default;
                    }
                    shape.Add(SizeExpr.Constant(value));
                }
                else if (dims.TryGetValue(part, out var dim)) shape.Add(dim);
                else if (Microsoft.CodeAnalysis.CSharp.SyntaxFacts.IsValidIdentifier(part))
                {
                    diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.UnknownDimension, location, part, text, owner));
                    return default;
                }
                else
                {
                    diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.MalformedShape, location, text,
                        $"'{part}' is neither a dimension name nor a positive integer"));
                    return default;
                }
            }
            return shape.ToImmutable();
        }
    }
}
