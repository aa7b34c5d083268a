using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Bert.Generators.Parse
{
    /// <summary>Finding the Bert.Graph declaration attributes on symbols and reading their arguments.</summary>
    internal static class Attributes
    {
        public const string Model = "Bert.Graph.ModelAttribute";
        public const string Block = "Bert.Graph.BlockAttribute";
        public const string Dim = "Bert.Graph.DimAttribute";
        public const string Hyper = "Bert.Graph.HyperAttribute";
        public const string Input = "Bert.Graph.InputAttribute";
        public const string Param = "Bert.Graph.ParamAttribute";
        public const string Forward = "Bert.Graph.ForwardAttribute";
        public const string Tensor = "Bert.Graph.Tensor";
        public const string IntTensor = "Bert.Graph.IntTensor";
        public const string Ops = "Bert.Graph.Ops";

        public static AttributeData? Find(ISymbol symbol, string fullName) =>
            symbol.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == fullName);

        public static bool Has(ISymbol symbol, string fullName) => Find(symbol, fullName) != null;

        public static string? StringArgument(AttributeData attribute, int index) =>
            attribute.ConstructorArguments.Length > index ? attribute.ConstructorArguments[index].Value as string : null;

        public static TypedConstant? Named(AttributeData attribute, string name)
        {
            foreach (var pair in attribute.NamedArguments)
                if (pair.Key == name) return pair.Value;
            return null;
        }

        /// <summary>The location of constructor argument <paramref name="index"/> (the shape string), else of the attribute.</summary>
        public static Location ArgumentLocation(AttributeData attribute, int index, ISymbol fallback)
        {
            if (attribute.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax syntax)
            {
                var args = syntax.ArgumentList?.Arguments;
                if (args != null && args.Value.Count > index) return args.Value[index].Expression.GetLocation();
                return syntax.GetLocation();
            }
            return fallback.Locations.FirstOrDefault() ?? Location.None;
        }

        public static bool IsType(ITypeSymbol? type, string fullName) => type?.ToDisplayString() == fullName;
    }
}
