using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Bert.Generators.Parse
{
    /// <summary>Where a model's or block's declarations are read from: the class itself, then its base classes.</summary>
    internal static class Declarations
    {
        /// <summary>
        /// <paramref name="type"/> and its base classes up to <c>object</c>: a model may inherit its inputs,
        /// parameters, blocks and Forward from a shared declaration and add only its shape's [Dim] and [Hyper] constants.
        /// </summary>
        public static IEnumerable<INamedTypeSymbol> SelfAndBases(INamedTypeSymbol type)
        {
            for (var t = type; t != null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
                yield return t;
        }
    }
}
