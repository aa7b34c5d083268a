using System.Collections.Generic;
using System.Collections.Immutable;
using Bert.Generators.Graph;
using Microsoft.CodeAnalysis;

namespace Bert.Generators.Parse
{
    /// <summary>What a name or expression in a [Forward] method evaluates to while the parser traces it.</summary>
    internal abstract record Operand;

    internal sealed record TensorOperand(Value Value) : Operand;

    /// <summary>A compile-time number; <paramref name="IsInt"/> keeps C# integer division semantics.</summary>
    internal sealed record NumberOperand(double Value, bool IsInt) : Operand;

    /// <summary>A run-time [Hyper] scalar of the model.</summary>
    internal sealed record HyperOperand(string Name) : Operand;

    /// <summary>A run-time [Dim] of the model.</summary>
    internal sealed record SymbolOperand(string Name) : Operand;

    internal sealed record StringOperand(string Value) : Operand;

    internal sealed record BlockOperand(Scope Block) : Operand;

    internal sealed record BlockArrayOperand(ImmutableArray<Scope> Blocks) : Operand;

    /// <summary>
    /// The members of a model or of one block instance: what each field name evaluates to, plus the naming
    /// used for the values its Forward creates.
    /// </summary>
    internal sealed class Scope
    {
        public Scope(INamedTypeSymbol type, string valuePrefix, string kernelScope)
        {
            Type = type;
            ValuePrefix = valuePrefix;
            KernelScope = kernelScope;
        }

        public INamedTypeSymbol Type { get; }
        /// <summary>Prefix of the unique names of values created in this scope, e.g. "Encoder0_".</summary>
        public string ValuePrefix { get; }
        /// <summary>Kernel-name scope, e.g. "Encoder" for every layer of the Encoder block array.</summary>
        public string KernelScope { get; }
        public Dictionary<string, Operand> Members { get; } = new Dictionary<string, Operand>();
    }
}
