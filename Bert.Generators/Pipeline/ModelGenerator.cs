using Microsoft.CodeAnalysis;

namespace Bert.Generators
{
    /// <summary>Entry point of the Bert.Compiler source generator.</summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class ModelGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
        }
    }
}
