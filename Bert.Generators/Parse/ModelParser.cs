using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Diagnostics;
using Bert.Generators.Graph;
using Bert.Generators.Passes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Bert.Generators.Parse
{
    /// <summary>The graph of a model (null when an error was reported), its diagnostics, and where the model is declared.</summary>
    /// <summary>
    /// One [Model] class parsed: its graph (null when it has errors), its diagnostics and where it is declared. Two
    /// results are equal when their graphs print alike (<see cref="GraphFingerprint"/>) and their diagnostics and
    /// location are the same, so the incremental generator reuses the plan and the generated files of an unchanged model.
    /// </summary>
    internal sealed class ParseResult : IEquatable<ParseResult>
    {
        readonly string fingerprint;

        public ParseResult(ModelGraph? graph, ImmutableArray<Diagnostic> diagnostics, Location? location)
        {
            Graph = graph;
            Diagnostics = diagnostics;
            Location = location;
            fingerprint = graph is null ? "" : GraphFingerprint.Of(graph);
        }

        public ModelGraph? Graph { get; }
        public ImmutableArray<Diagnostic> Diagnostics { get; }
        public Location? Location { get; }

        public bool Equals(ParseResult? other) =>
            other is not null && fingerprint == other.fingerprint && (Graph is null) == (other.Graph is null)
            && Equals(Location, other.Location) && Diagnostics.SequenceEqual(other.Diagnostics);

        public override bool Equals(object? obj) => Equals(obj as ParseResult);

        public override int GetHashCode() => fingerprint.GetHashCode();
    }

    /// <summary>Builds the forward graph of one [Model] class, or the diagnostics explaining why it cannot.</summary>
    internal static class ModelParser
    {
        public static ParseResult Parse(INamedTypeSymbol model, Compilation compilation)
        {
            var diagnostics = new List<Diagnostic>();
            var graph = Build(model, compilation, diagnostics);
            bool failed = diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
            return new ParseResult(failed ? null : graph, diagnostics.ToImmutableArray(), model.Locations.FirstOrDefault());
        }

        static ModelGraph Build(INamedTypeSymbol model, Compilation compilation, List<Diagnostic> diagnostics)
        {
            var declarations = model.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<ClassDeclarationSyntax>().ToList();
            if (declarations.Count > 0 && !declarations.Any(c => c.Modifiers.Any(SyntaxKind.PartialKeyword)))
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.NotPartial, declarations[0].Identifier.GetLocation(), model.Name));

            bool fuse = Attributes.Find(model, Attributes.Model) is { } attribute && Attributes.Named(attribute, "Fuse")?.Value is bool f ? f : true;
            string ns = model.ContainingNamespace.IsGlobalNamespace ? "" : model.ContainingNamespace.ToDisplayString();
            var graph = new ModelGraph(ns, model.Name, fuse);
            var builder = new GraphBuilder(graph);
            var reader = new DeclarationReader(builder, diagnostics);
            var scope = reader.ReadModel(model);
            if (diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error)) return graph;

            var forward = CheckedForward(model, diagnostics);
            if (forward == null) return graph;
            var parser = new ForwardParser(compilation, builder, diagnostics);
            var result = parser.Inline(forward, scope, new List<Operand?>());
            if (result is TensorOperand loss)
            {
                if (loss.Value.IsScalar) graph.Loss = loss.Value;
                else diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.LossNotScalar, parser.LastReturn?.Syntax.GetLocation(),
                    string.Join(", ", loss.Value.Shape)));
            }
            ReportUnusedParameters(graph, reader, diagnostics);
            return graph;
        }

        static IMethodSymbol? CheckedForward(INamedTypeSymbol model, List<Diagnostic> diagnostics)
        {
            var forwards = ForwardParser.ForwardMethods(model);
            if (forwards.Length == 0)
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.MissingForward, model.Locations.FirstOrDefault(), model.Name,
                    "[Forward] public Tensor Forward() returning the scalar loss"));
                return null;
            }
            var forward = forwards[0];
            string? problem =
                forwards.Length > 1 ? "a model has exactly one [Forward] method" :
                forward.Parameters.Length > 0 ? "a model's Forward takes no parameters (it reads the [Input] fields)" :
                !Attributes.IsType(forward.ReturnType, Attributes.Tensor) ? "a model's Forward returns the scalar loss as a Tensor" :
                null;
            if (problem == null) return forward;
            var at = forwards.Length > 1 ? forwards[1] : forward;
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.BadForwardSignature, at.Locations.FirstOrDefault(), at.Name, problem));
            return null;
        }

        /// <summary>BERT0004 once per declaring field (a block's field covers all its instances).</summary>
        static void ReportUnusedParameters(ModelGraph graph, DeclarationReader reader, List<Diagnostic> diagnostics)
        {
            var used = new HashSet<Value>(graph.Forward.SelectMany(n => n.Inputs));
            var reported = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var pair in reader.ParamFields)
                if (!used.Contains(pair.Key) && reported.Add(pair.Value))
                    diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.UnusedParameter, pair.Value.Locations.FirstOrDefault(), pair.Key.LocalName));
        }
    }
}
